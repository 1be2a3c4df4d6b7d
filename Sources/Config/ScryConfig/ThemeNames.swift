import Foundation

extension ThemeReader {
    /// The themes found in `searchPath`, by name, sorted, each once: what `:theme` completes.
    public static func names(in searchPath: [String]) -> [String] {
        var names = Set<String>()
        for folder in searchPath {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                if locate(name, searchPath: [folder]) != nil { names.insert(name) }
            }
        }
        return names.sorted()
    }
}
