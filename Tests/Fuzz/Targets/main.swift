// The fuzz targets of Targets.swift in one binary: `scry-fuzz TARGET [ARGS...]`, or `--list`.
//
// Built plainly, as `swift build` does, it replays files and folders of inputs (ARGS) through
// TARGET: to check a corpus or a crash without the fuzzer.
// Built by scripts/fuzz with -sanitize=fuzzer,address and -DSCRY_LIBFUZZER, it hands ARGS to
// libFuzzer (corpus folders, -max_total_time=…, a crash file to reproduce).
#if canImport(Glibc)
import Glibc
#endif
import Foundation

let arguments = CommandLine.arguments
if arguments.dropFirst().first == "--list" {
    print(FuzzTargets.all.keys.sorted().joined(separator: "\n"))
    exit(0)
}
guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
    FileHandle.standardError.write(Data("usage: scry-fuzz TARGET [ARGS...]; targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
    exit(2)
}

#if SCRY_LIBFUZZER
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

selectedTarget = target
// libFuzzer sees the program's name and ARGS, without TARGET.
var argc = Int32(arguments.count - 1)
var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
exit(status)
#else
var count = 0
for path in arguments.dropFirst(2) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("scry-fuzz: \(path): no such file or folder\n".utf8))
        exit(2)
    }
    let files = isDirectory.boolValue
        ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
        : [path]
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        target(Array(data))
        count += 1
    }
}
print("scry-fuzz \(arguments[1]): \(count) inputs replayed, none crashed")
#endif
