/// Text that a careless terminal UI mis-draws: escape sequences that recolour, retitle or clear
/// the terminal, control characters that move the cursor, wide and combining characters that
/// break column counts, and a bidirectional override. PostgreSQL text cannot hold NUL, so NULs
/// and invalid UTF-8 live in Redis (`HostileRedis`).
public struct HostileText: Sendable, Equatable {
    /// What the text tries, for the manifest.
    public var what: String
    public var text: String

    static let sgrColour = HostileText(what: "ANSI SGR colour escape \\x1b[31m", text: "\u{1B}[31mRed Baron\u{1B}[0m")
    static let oscTitle = HostileText(what: "OSC window-title escape \\x1b]0;…\\x07", text: "\u{1B}]0;owned\u{07}Quiet Innkeeper")
    static let clearScreen = HostileText(what: "ANSI clear-screen escape \\x1b[2J", text: "\u{1B}[2J\u{1B}[HClear-Screen Carl")
    static let carriageReturn = HostileText(what: "carriage return \\r", text: "Honest Merchant\rEvil Merchant")
    static let backspaces = HostileText(what: "backspaces \\b", text: "Sir Lancelot\u{08}\u{08}\u{08}\u{08}\u{08}\u{08}\u{08}Mordred")
    static let cjk = HostileText(what: "CJK wide characters", text: "猫の騎士")
    static let emoji = HostileText(what: "emoji, a skin-tone modifier and a ZWJ family", text: "🐉 Dragon 👍🏽 👨‍👩‍👧")
    static let combining = HostileText(what: "stacked combining marks", text: "Z\u{0351}\u{0336}a\u{0337}\u{0352}l\u{0315}g\u{0358}o the Unmade")
    static let rightToLeft = HostileText(what: "right-to-left override U+202E", text: "\u{202E}regnaD the Reversed")
    static let tabNewline = HostileText(what: "tab and newline", text: "Two\tColumns\nTwo Lines")
    static let c1Control = HostileText(what: "C1 control CSI U+009B", text: "\u{9B}31mEight-bit Escape")
    static let bellDelete = HostileText(what: "bell \\x07 and delete \\x7f", text: "Noisy\u{07}Bell\u{7F}")
    static let veryLong = HostileText(what: "very long name (1,000 characters)", text: String(repeating: "Longname ", count: 111) + "L")

    /// Every hostile text, each once on a character blueprint.
    static let all: [HostileText] = [
        sgrColour, oscTitle, clearScreen, carriageReturn, backspaces, cjk, emoji, combining, rightToLeft,
        tabNewline, c1Control, bellDelete, veryLong,
    ]
}

/// Where hostile text is planted in PostgreSQL. The blueprints are the first ids of world 1,
/// which campaign 1 copies, so the text reaches the campaign database and the cache as well.
public enum HostilePlacement {
    public struct Row: Sendable, Equatable {
        public var table: String
        public var id: Int
        public var column: String
        public var text: HostileText
    }

    /// Blueprint names, by entity: ids 1, 2, … of each kind.
    static let blueprintNames: [(entity: ReferenceEntity, texts: [HostileText])] = [
        (.character, HostileText.all),
        (.item, [HostileText(what: "ANSI SGR colour escape \\x1b[31m", text: "\u{1B}[31mBloodied\u{1B}[0m Axe"),
                 HostileText(what: "CJK wide characters", text: "妖刀村正"),
                 HostileText(what: "emoji with a variation selector", text: "🗡️ Whispering Blade"),
                 HostileText(what: "right-to-left override U+202E", text: "\u{202E}ecnaL gnikniS")]),
        (.location, [HostileText(what: "ANSI clear-screen escape \\x1b[2J", text: "\u{1B}[2JThe Vanishing Vale"),
                     HostileText(what: "CJK wide characters", text: "東の森"),
                     HostileText.combining]),
        (.faction, [HostileText(what: "OSC window-title escape \\x1b]0;…\\x07", text: "\u{1B}]0;hacked\u{07}Silent Court"),
                    HostileText(what: "emoji and CJK", text: "🐺 Wolves of the 北")]),
    ]

    /// Blueprint ids of `entity` that carry hostile names.
    static func blueprintIDs(_ entity: ReferenceEntity) -> Set<Int> {
        Set(blueprintNames.first { $0.entity == entity }.map { Array(1...$0.texts.count) } ?? [])
    }

    /// Every hostile value in the world database.
    static func world(worlds: Int) -> [Row] {
        var rows: [Row] = []
        for (entity, texts) in blueprintNames {
            for (index, text) in texts.enumerated() {
                rows.append(Row(table: entity.worldTable, id: index + 1, column: "name", text: text))
            }
        }
        rows.append(Row(table: "worlds", id: min(2, worlds), column: "name",
                        text: HostileText(what: "ANSI clear-screen and cursor-home escapes", text: "\u{1B}[2J\u{1B}[HWorld of Wipes")))
        return rows
    }

    /// Hostile values that exist only in the campaign database (the mirrored copies of the
    /// blueprint names come on top of these).
    static func campaign(campaigns: Int) -> [Row] {
        [
            Row(table: "campaigns", id: min(2, campaigns), column: "name",
                text: HostileText(what: "ANSI blink escape \\x1b[5m", text: "The \u{1B}[5mBlinking\u{1B}[0m Crown")),
            Row(table: "campaigns", id: min(3, campaigns), column: "name",
                text: HostileText(what: "right-to-left override U+202E and CJK", text: "\u{202E}nwoD edispU 猫")),
            Row(table: "players", id: 1, column: "handle",
                text: HostileText(what: "ANSI escape and carriage return", text: "\u{1B}[31mroot\u{1B}[0m\r")),
        ]
    }
}
