import PreplineCore

/// Reads the arguments of `fit`, `merge` and `apply` in their common well-formed shapes without
/// ArgumentParser, whose parse of `fit` costs about 19M instructions at every start (two thirds of
/// a tiny fit's), mostly protocol-conformance lookups over the binary's 5,700 conformance records
/// (its reflection over the property wrappers). An engine runs these commands once a partition,
/// thousands of times; there that start-up was a fifth of a 50k-row partition's fit.
///
/// It only ever accepts: every token is a positional, or one of the command's options written
/// `--name value`, `-o value` or `--flag`, each at most once, with values that parse, and the
/// command's checks pass. Anything else (`--help`, `--name=value`, `--`, a typo, a bad value, a
/// failed check) returns nil and ArgumentParser parses, so every help text, completion and error
/// message stays ArgumentParser's. The tests check that both give the same request for the same
/// arguments, and that this table names exactly the options ArgumentParser declares.
enum DirectArguments {
    enum Invocation: Equatable {
        case fit(FitRequest)
        case merge(MergeRequest)
        case apply(ApplyRequest)
    }

    /// The invocation `arguments` (without the program name) ask for, or nil for ArgumentParser.
    static func parse(_ arguments: [String]) -> Invocation? {
        guard let command = arguments.first else { return nil }
        let rest = arguments.dropFirst()
        switch command {
        case "fit":
            guard let request = read(rest, options: fitOptions, into: FitRequest()), (try? request.check()) != nil else { return nil }
            return .fit(request)
        case "merge":
            guard let request = read(rest, options: mergeOptions, into: MergeRequest()), (try? request.check()) != nil else { return nil }
            return .merge(request)
        case "apply":
            guard let request = read(rest, options: applyOptions, into: ApplyRequest()), (try? request.check()) != nil else { return nil }
            return .apply(request)
        default:
            return nil
        }
    }

    /// One option: its spellings, and how its value (nil for a flag) sets the request; false when
    /// the value does not parse.
    struct Rule<Request>: Sendable {
        let names: [String]
        let set: @Sendable (inout Request, String?) -> Bool
        let takesValue: Bool

        static func value(_ names: String..., set: @escaping @Sendable (inout Request, String) -> Bool) -> Rule {
            Rule(names: names, set: { request, value in value.map { set(&request, $0) } ?? false }, takesValue: true)
        }

        static func flag(_ names: String..., set: @escaping @Sendable (inout Request) -> Void) -> Rule {
            Rule(names: names, set: { request, _ in set(&request); return true }, takesValue: false)
        }
    }

    /// Where a command's positionals go.
    protocol Positionals { mutating func append(positional: String) }

    static func read<Request: Positionals>(_ arguments: ArraySlice<String>, options: [Rule<Request>], into initial: Request) -> Request? {
        var request = initial
        var seen = Set<String>()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let token = arguments[index]
            index += 1
            if token == "-" || !token.hasPrefix("-") {
                request.append(positional: token)
                continue
            }
            guard let rule = options.first(where: { $0.names.contains(token) }), seen.insert(rule.names[0]).inserted else { return nil }
            var value: String?
            if rule.takesValue {
                // A value that looks like an option is ArgumentParser's to judge.
                guard index < arguments.endIndex, arguments[index] == "-" || !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            guard rule.set(&request, value) else { return nil }
        }
        return request
    }

    static func assign<Value: RawRepresentable<String>>(_ text: String, to target: inout Value?) -> Bool {
        guard let value = Value(rawValue: text) else { return false }
        target = value
        return true
    }

    static func assign<Value: RawRepresentable<String>>(_ text: String, to target: inout Value) -> Bool {
        guard let value = Value(rawValue: text) else { return false }
        target = value
        return true
    }

    static let fitOptions: [Rule<FitRequest>] = [
        .value("--output", "-o") { $0.output = $1; return true },
        .value("--on-error") { assign($1, to: &$0.onError) },
        .flag("--partial") { $0.partial = true },
        .value("--pass-state") { $0.passState = $1; return true },
        .value("--input-list") { $0.inputList = $1; return true },
    ] + specRules(\.specArguments) + engineRules(\.engineArguments)

    static let applyOptions: [Rule<ApplyRequest>] = [
        .value("--extra-columns") { assign($1, to: &$0.extraColumns) },
        .value("--input-list") { $0.inputList = $1; return true },
        .flag("--no-output-header") { $0.noOutputHeader = true },
        .value("--output", "-o") { $0.outputArguments.output = $1; return true },
        .flag("--crlf") { $0.outputArguments.crlf = true },
        .value("--rejects") { $0.outputArguments.rejects = $1; return true },
        .value("--gzip-level") { request, text in Int(text).map { request.outputArguments.gzipLevel = $0 } != nil },
        .value("--on-error") { assign($1, to: &$0.outputArguments.onError) },
    ] + specRules(\.specArguments) + engineRules(\.engineArguments)

    /// `SpecOptionGroup`'s options.
    static func specRules<Request>(_ spec: WritableKeyPath<Request, SpecArguments> & Sendable) -> [Rule<Request>] {
        [
            .value("--spec-json") { $0[keyPath: spec].specJSON = $1; return true },
            .value("--delimiter") { $0[keyPath: spec].delimiter = $1; return true },
            .flag("--no-header") { $0[keyPath: spec].noHeader = true },
        ]
    }

    /// `EngineOptionGroup`'s options.
    static func engineRules<Request>(_ engine: WritableKeyPath<Request, EngineArguments> & Sendable) -> [Rule<Request>] {
        [
            .value("--threads") { request, text in Int(text).map { request[keyPath: engine].threads = $0 } != nil },
            .value("--chunk-size") { $0[keyPath: engine].chunkSize = $1; return true },
            .value("--parser") { assign($1, to: &$0[keyPath: engine].parser) },
            .value("--progress") { assign($1, to: &$0[keyPath: engine].progress) },
            .flag("--quiet", "-q") { $0[keyPath: engine].quiet = true },
        ]
    }

    static let mergeOptions: [Rule<MergeRequest>] = [
        .value("--output", "-o") { $0.output = $1; return true },
        .flag("--partial") { $0.partial = true },
        .value("--threads") { request, text in Int(text).map { request.threads = $0 } != nil },
        .flag("--quiet", "-q") { $0.quiet = true },
    ]
}

extension FitRequest: DirectArguments.Positionals {
    /// ArgumentParser's order: the first positional is the spec, the rest are inputs.
    mutating func append(positional: String) {
        if spec == nil { spec = positional } else { inputs.append(positional) }
    }
}

extension MergeRequest: DirectArguments.Positionals {
    mutating func append(positional: String) { parts.append(positional) }
}

extension ApplyRequest: DirectArguments.Positionals {
    /// The first positional is the fitted spec, the rest are inputs.
    mutating func append(positional: String) {
        if fitted == nil { fitted = positional } else { inputs.append(positional) }
    }
}
