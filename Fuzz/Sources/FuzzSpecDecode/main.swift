import Foundation
import CFuzzDriver
@testable import PreplineCore

/// Bytes → JSON → spec: `Spec.parse` throws only `PreplineError` (typed throws), so all this
/// target has to catch is a trap (overflow, out-of-range index, force unwrap, precondition).
/// A spec that decodes is also planned against a header made of the column names it mentions,
/// as `run` would plan it once the data's header is read; and its JSON must serialize and read
/// back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpecDecode(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let root = try? JSONParser.parse(bytes) else {
        _ = try? Spec.parse(bytes: bytes, file: "fuzz.json")  // the syntax-error path, positions and all
        return 0
    }
    // A number that overflows (1e400) is a known, separately tracked spec defect; the
    // round trip is asserted for finite documents so that one defect does not mask others.
    if FuzzHeader.allFinite(root) {
        let reparsed = try? JSONParser.parse(Array(root.serialized().utf8))
        precondition(reparsed == root, "JSON does not read back its own serialization")
    }
    guard let spec = try? Spec.decode(root, file: "fuzz.json") else { return 0 }
    let names = FuzzHeader.names(mentionedIn: root)
    for header in [names, names + ["extra"], ["a"]] {
        _ = try? ExecutionPlan(stageSpecs: spec.stages, header: DatasetHeader(names: header, fromInput: true),
                               dialect: spec.input, file: "fuzz.json")
    }
    return 0
}

enum FuzzHeader {
    static func allFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number, _): return number.isFinite
        case .array(let items): return items.allSatisfy(allFinite)
        case .object(let members): return members.allSatisfy { allFinite($0.value) }
        default: return true
        }
    }

    /// Every string under a "columns"/"column" key: a header where the spec's columns exist.
    static func names(mentionedIn value: JSONValue) -> [String] {
        var found: [String] = []
        func walk(_ value: JSONValue, underColumns: Bool) {
            switch value {
            case .string(let text) where underColumns:
                // A glob is turned into one name it matches, so the stage gets past column lookup.
                let name = String(text.map { "*?[]".contains($0) ? "x" : $0 })
                if !found.contains(name) && !name.isEmpty { found.append(name) }
            case .array(let items):
                for item in items { walk(item, underColumns: underColumns) }
            case .object(let members):
                for (key, member) in members { walk(member, underColumns: key == "columns" || key == "column") }
            default:
                break
            }
        }
        walk(value, underColumns: false)
        return found.isEmpty ? ["a", "b"] : Array(found.prefix(64))
    }
}

// SwiftPM links an executable's `main` under the module's name, so libFuzzer's own `main` cannot
// be the entry point: this one hands the command line to libFuzzer's driver.
var fuzzArgc = CommandLine.argc
var fuzzArgv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&fuzzArgc, &fuzzArgv, fuzzSpecDecode))
