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
            if let path, path != "-" {
                try writeFile(Array(text.utf8), to: path)
            } else if format == .text && path == nil {
                StandardError.write(text)
            } else if stdoutOpen {
                stdoutOpen = try writeStdout(Array(text.utf8))
            }
        }
        return stdoutOpen
    }

    /// Writes `bytes` to `path` through a temporary file renamed into place on success.
    package static func writeFile(_ bytes: [UInt8], to path: String) throws(PreplineError) {
        let sink = try OutputSink(path: path)
        do {
            try sink.writeDocument(bytes)
            try sink.commit()
        } catch {
            sink.abort()
            if let error = error as? PreplineError { throw error }
            throw PreplineError.output(file: path, "\(error)")
        }
    }

    /// Writes bytes to stdout; false when the reader of stdout has gone.
    package static func writeStdout(_ bytes: [UInt8]) throws(PreplineError) -> Bool {
        let sink = try OutputSink(path: "-")
        do {
            try sink.write(bytes)
        } catch is BrokenPipe {
            return false
        } catch {
            if let error = error as? PreplineError { throw error }
            throw PreplineError.output(file: "stdout", "\(error)")
        }
        try sink.commit()
        return true
    }
}
