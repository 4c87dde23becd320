/// Where `validate`'s reports go: a file (written to a temporary name and renamed, so a full
/// disk never leaves a truncated report), stdout, or stderr for the text table.
package enum ReportOutput {
    /// Renders and writes each report in the order given. Returns false when stdout's reader
    /// went away (`| head`): later stdout reports are dropped, files are still written.
    @discardableResult
    package static func write(_ result: ValidationResult, reports: [(ReportFormat, String?)]) throws(PreplineError) -> Bool {
        var stdoutOpen = true
        for (format, path) in reports {
            let text: String
            switch format {
            case .text: text = ValidationReport.text(result)
            case .json: text = ValidationReport.json(result)
            case .junit: text = ValidationReport.junit(result)
            case .github: text = ValidationReport.github(result)
            }
            if !writesStdout(format, path) {
                if let path { try writeFile(Array(text.utf8), to: path) } else { StandardError.write(text) }
            } else if stdoutOpen {
                stdoutOpen = try writeStdout(Array(text.utf8))
            }
        }
        return stdoutOpen
    }

    /// Whether a report goes to stdout: `-`, or no path for any format but text (stderr).
    package static func writesStdout(_ format: ReportFormat, _ path: String?) -> Bool {
        path == "-" || (path == nil && format != .text)
    }

    /// Writes `bytes` to `path` through a temporary file renamed into place on success.
    package static func writeFile(_ bytes: [UInt8], to path: String) throws(PreplineError) {
        let sink = try OutputSink(path: path)
        do {
            _ = try writeDocument(bytes, to: sink)
            try sink.commit()
        } catch {
            sink.abort()
            throw error
        }
    }

    /// Writes bytes to stdout; false when the reader of stdout has gone.
    package static func writeStdout(_ bytes: [UInt8]) throws(PreplineError) -> Bool {
        let sink = try OutputSink(path: "-")
        guard try write(bytes, to: sink, compressing: false) else { return false }
        try sink.commit()
        return true
    }

    /// Writes a whole document to `sink` (gzip-compressed when its name ends in `.gz`); false
    /// when the sink is stdout and its reader has gone (`| head`), which ends a run quietly.
    package static func writeDocument(_ bytes: [UInt8], to sink: OutputSink) throws(PreplineError) -> Bool {
        try write(bytes, to: sink, compressing: true)
    }

    /// The sink's errors as `PreplineError`: a closed pipe is `false`, never a message, and no
    /// other error's type name reaches the user.
    private static func write(_ bytes: [UInt8], to sink: OutputSink, compressing: Bool) throws(PreplineError) -> Bool {
        do {
            if compressing { try sink.writeDocument(bytes) } else { try sink.write(bytes) }
        } catch is BrokenPipe {
            return false
        } catch let error as PreplineError {
            throw error
        } catch {
            throw PreplineError.output(file: sink.displayName, "the write failed")
        }
        return true
    }
}
