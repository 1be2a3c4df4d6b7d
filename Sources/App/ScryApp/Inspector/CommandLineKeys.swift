import ScryCore
import ScryUIKit

// Keys on the command line (`:`): editing, Tab completion (a read off the UI thread when the
// candidates live in a store), Up/Down through the history, Ctrl-R to search it.

extension Inspector {
    mutating func handleCommand(_ key: Key, _ prompt: CommandPrompt) -> [Effect] {
        var prompt = prompt
        if prompt.search != nil { return handleHistorySearch(key, prompt) }
        var effects: [Effect] = []
        // A completion still being read is not wanted once another key comes: it is
        // cancelled, so a keypress never waits on it.
        if prompt.completion?.reading != nil, key != .tab, key != .backTab {
            effects.append(.cancel(.completion))
            prompt.completion = nil
        }
        switch key {
        case .enter:
            mode = .normal
            let line = prompt.editor.text
            let remembered: [Effect] = history.remember(line) ? [.remember(line)] : []
            return effects + run(line) + remembered
        case .escape:
            mode = .normal
            return effects
        case .tab, .backTab:
            effects += complete(&prompt, forward: key == .tab)
        case .up, .down:
            walkHistory(&prompt, older: key == .up)
        case .control("r"):
            prompt.completion = nil
            prompt.search = CommandPrompt.HistorySearch(query: LineEditor(), match: history.search("", before: nil), original: prompt.editor.text)
        default:
            guard let edit = Self.edit(for: key) else { break }
            prompt.editor.apply(edit)
            prompt.walk = nil
            prompt.completion = nil
        }
        mode = .command(prompt)
        return effects
    }

    /// The PostgreSQL store `:sql` runs on: the World or Campaign pane's, by focus.
    var sqlStoreInFocus: String? {
        switch focus {
        case .world: return catalog.worldStore
        case .campaign: return catalog.campaignStore
        case .redis: return nil
        }
    }

    // MARK: Completion

    /// Tab: the word at the end of the line is completed as far as its candidates agree, and
    /// several are listed; Tab again puts each in turn on the line (S-Tab backwards).
    /// Candidates that live in a store are read by a job first.
    mutating func complete(_ prompt: inout CommandPrompt, forward: Bool) -> [Effect] {
        if var list = prompt.completion {
            if list.reading != nil { return [] }
            if list.candidates.count > 1 {
                let count = list.candidates.count
                let next = list.selected.map { ($0 + (forward ? 1 : count - 1)) % count } ?? (forward ? 0 : count - 1)
                list.selected = next
                prompt.editor = LineEditor(list.target.head + list.candidates[next])
                prompt.completion = list
                return []
            }
        }
        guard let target = Commands.completionTarget(for: prompt.editor.text, catalog: catalog, themes: themes,
                                                     redisCommands: redisCommands, sqlStore: sqlStoreInFocus) else {
            prompt.completion = nil
            return []
        }
        guard let read = target.read else {
            applyCompletion(target, answer: nil, to: &prompt)
            return []
        }
        if let answer = knownAnswer(read, prompt) {
            applyCompletion(target, answer: answer, to: &prompt)
            return []
        }
        let job = nextJobID()
        prompt.completion = CompletionList(target: target, candidates: [], reading: job)
        return [.run(Job(id: job, lane: .completion, work: .complete(read)))]
    }

    /// An answer already read that serves `read`: the catalogue of the session, the same read,
    /// or a complete read of a shorter prefix.
    func knownAnswer(_ read: CompletionRead, _ prompt: CommandPrompt) -> CompletionAnswer? {
        if case .catalogue(let store) = read { return sqlCatalogues[store] }
        if let answer = prompt.answers[read] { return answer }
        for (earlier, answer) in prompt.answers where answer.complete {
            switch (earlier, read) {
            case let (.entityKeys(entity, shorter), .entityKeys(sameEntity, prefix)) where entity == sameEntity && prefix.hasPrefix(shorter):
                return answer
            case let (.keys(store, shorter), .keys(sameStore, prefix)) where store == sameStore && prefix.starts(with: shorter)
                && !prefix.dropFirst(shorter.count).contains(UInt8(ascii: ":")):
                // Key names come a level at a time: a complete answer serves a longer prefix
                // only within the same level.
                return answer
            default:
                continue
            }
        }
        return nil
    }

    /// Puts the candidates of `target` to use: one fills the word, several fill their common
    /// prefix and are listed, none says so.
    mutating func applyCompletion(_ target: CompletionTarget, answer: CompletionAnswer?, to prompt: inout CommandPrompt) {
        let candidates = target.candidates(from: answer)
        var list = CompletionList(target: target, candidates: candidates)
        switch candidates.count {
        case 0:
            list.note = target.word.isEmpty ? "no \(target.nouns)" : "no \(target.noun) starts with \(target.word)"
        case 1:
            prompt.editor = LineEditor(target.head + candidates[0] + (target.endsWord(candidates[0]) ? " " : ""))
            prompt.completion = nil
            return
        default:
            let common = CompletionMatch.commonPrefix(candidates)
            if common.count > target.word.count { prompt.editor = LineEditor(target.head + common) }
            list.target.word = common.count > target.word.count ? common : target.word
            if answer?.complete == false { list.note = "the first \(counted(candidates.count, target.noun)); type more" }
        }
        prompt.completion = list
    }

    /// The answer of a completion read: used if the line still waits for it.
    mutating func landCompletion(_ job: JobID, _ answer: CompletionAnswer) {
        guard case .command(var prompt) = mode, let list = prompt.completion, list.reading == job else { return }
        if let read = list.target.read {
            prompt.answers[read] = answer
            if case .catalogue(let store) = read { sqlCatalogues[store] = answer }
        }
        prompt.completion = nil
        applyCompletion(list.target, answer: answer, to: &prompt)
        mode = .command(prompt)
    }

    /// A completion read that failed or was cancelled: the list says why. True when `job` was one.
    mutating func landCompletionFailure(_ job: JobID, reason: String?) -> Bool {
        guard case .command(var prompt) = mode, var list = prompt.completion, list.reading == job else { return false }
        list.reading = nil
        list.note = reason.map { "not read: \($0)" } ?? "cancelled"
        prompt.completion = list
        mode = .command(prompt)
        return true
    }

    // MARK: History

    /// Up and Down: the lines run before that start with what was typed, newest first.
    mutating func walkHistory(_ prompt: inout CommandPrompt, older: Bool) {
        prompt.completion = nil
        let typed = prompt.walk?.typed ?? prompt.editor.text
        if older {
            guard let index = history.older(than: prompt.walk?.index, prefix: typed) else { return }
            prompt.walk = CommandPrompt.HistoryWalk(index: index, typed: typed)
            prompt.editor = LineEditor(history.entries[index])
        } else {
            guard let walk = prompt.walk else { return }
            if let index = history.newer(than: walk.index, prefix: typed) {
                prompt.walk?.index = index
                prompt.editor = LineEditor(history.entries[index])
            } else {
                prompt.walk = nil
                prompt.editor = LineEditor(typed)
            }
        }
    }

    /// Ctrl-R: each key narrows the search; Ctrl-R again finds an older line; Enter runs the
    /// line found; an arrow or Tab keeps it to edit; Esc puts back what was typed.
    mutating func handleHistorySearch(_ key: Key, _ prompt: CommandPrompt) -> [Effect] {
        var prompt = prompt
        guard var search = prompt.search else { return [] }
        let found = search.match.map { history.entries[$0] }
        switch key {
        case .control("r"):
            if let match = search.match, let older = history.search(search.query.text, before: match) { search.match = older }
        case .escape, .control("g"):
            prompt.search = nil
            prompt.editor = LineEditor(search.original)
            mode = .command(prompt)
            return []
        case .enter:
            prompt.search = nil
            prompt.editor = LineEditor(found ?? search.original)
            return handleCommand(.enter, prompt)
        case .tab, .backTab, .left, .right, .up, .down, .home, .end:
            prompt.search = nil
            prompt.editor = LineEditor(found ?? search.original)
            mode = .command(prompt)
            return []
        default:
            guard let edit = Self.edit(for: key) else { break }
            search.query.apply(edit)
            search.match = history.search(search.query.text, before: nil)
        }
        prompt.search = search
        mode = .command(prompt)
        return []
    }
}
