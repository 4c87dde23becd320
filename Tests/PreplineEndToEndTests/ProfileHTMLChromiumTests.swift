import Foundation
import Testing
import PreplineCore

/// The HTML profile page in a real browser: a profile document computed by pandas on
/// samples/penguins.csv (Tests/ProfileHTML/pandas_profile.py, F2's keys) is rendered by
/// `ProfileHTML`, drawn by headless Chromium (Debian's `chromium`, which `make test` installs) to a
/// PNG, and the PNG is checked to be drawn in every section (check_screenshot.py, Pillow).
/// Set PREPLINE_KEEP_PROFILE_HTML=DIR to keep the pages and screenshots there.
@Suite("profile HTML in Chromium", .serialized)
struct ProfileHTMLChromiumTests {
    static let scripts = E2E.packageRoot.appendingPathComponent("Tests/ProfileHTML").path

    static func chromium() throws -> String {
        let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return try #require(found, "chromium is needed by this test (make test installs Debian's chromium)")
    }

    /// pandas' profile of `csv` → the page → its file in `dir`.
    static func page(of csv: String, bands: Int = 200, in dir: TempDir, name: String) throws -> (html: String, path: String) {
        let env = try E2E.tool("env")
        let json = dir.file("\(name).json")
        let made = try runProcess(env, ["python3", "\(scripts)/pandas_profile.py", csv, json, String(bands)], timeout: 60)
        try #require(made.status == 0, "pandas_profile.py failed: \(made)")
        let document = try JSONParser.parse(try dir.read("\(name).json"))
        let html = try ProfileHTML.render(document)
        return (html, try dir.write("\(name).html", html))
    }

    /// Chromium's screenshot of `page` in a window `width` × `height`; no network (every host
    /// resolves to nothing), a throw-away profile directory.
    static func screenshot(_ page: String, width: Int = 1280, height: Int, in dir: TempDir, name: String) throws -> (png: String, seconds: Double) {
        let png = dir.file("\(name).png")
        let started = Date()
        let result = try runProcess(try chromium(), [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--disable-background-networking", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=\(dir.file("chromium-profile-\(name)"))",
            "--force-device-scale-factor=1", "--window-size=\(width),\(height)", "--screenshot=\(png)",
            URL(fileURLWithPath: page).absoluteString,
        ], environment: ["HOME": dir.path], timeout: 60)
        let seconds = Date().timeIntervalSince(started)
        try #require(FileManager.default.fileExists(atPath: png), "chromium wrote no screenshot: \(result)")
        return (png, seconds)
    }

    static func keep(_ files: [String]) {
        guard let keep = ProcessInfo.processInfo.environment["PREPLINE_KEEP_PROFILE_HTML"] else { return }
        try? FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        for file in files {
            let target = URL(fileURLWithPath: keep).appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent).path
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.copyItem(atPath: file, toPath: target)
        }
    }

    @Test("penguins: Chromium draws every section of the page, which loads nothing and runs no script")
    func penguins() throws {
        let dir = try TempDir("prepline-profile-html")
        let csv = E2E.packageRoot.appendingPathComponent("samples/penguins.csv").path
        let (html, path) = try Self.page(of: csv, in: dir, name: "penguins")
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("http:") && !html.lowercased().contains("https:"))
        for id in ["overview", "missingness", "nullity-correlation", "columns"] { #expect(html.contains("<section id=\"\(id)\">")) }
        #expect(html.components(separatedBy: "<article class=\"card\"").count - 1 == 8)
        let shot = try Self.screenshot(path, height: 4200, in: dir, name: "penguins")
        Self.keep([path, shot.png])
        let checked = try runProcess(try E2E.tool("env"), ["python3", "\(Self.scripts)/check_screenshot.py", shot.png], timeout: 30)
        #expect(checked.status == 0, "\(checked)")
    }

    @Test("200 columns × 1000 rows with missing values: the page stays small and Chromium draws it in seconds")
    func wide() throws {
        let dir = try TempDir("prepline-profile-html-wide")
        let made = try runProcess(try E2E.tool("env"), ["python3", "-c", """
            import numpy as np, pandas as pd, sys
            rng = np.random.default_rng(7)
            rows, cols = 1000, 200
            data = {}
            for c in range(cols):
                name = f"measurement_{c:03d}" if c % 3 else f"label <{c}> & \\"q\\""
                values = rng.normal(c, 1 + c % 7, rows) if c % 3 else rng.choice(["alpha", "beta", "gamma", "<b>x</b>"], rows)
                s = pd.Series(values, dtype=object if c % 3 == 0 else float)
                s[rng.random(rows) < (c % 10) / 40] = None
                if c % 17 == 0: s[rows // 3 : rows // 2] = None
                data[name] = s
            pd.DataFrame(data).to_csv(sys.argv[1], index=False)
            """, dir.file("wide.csv")], timeout: 60)
        try #require(made.status == 0, "\(made)")
        let (html, path) = try Self.page(of: dir.file("wide.csv"), in: dir, name: "wide")
        #expect(html.utf8.count < 200 * 6 * 1024, "\(html.utf8.count) bytes")
        #expect(!html.lowercased().contains("<script"))
        let shot = try Self.screenshot(path, height: 2400, in: dir, name: "wide")
        Self.keep([path, shot.png])
        #expect(shot.seconds < 45, "chromium took \(shot.seconds) s")  // about 5 s; slack for a loaded machine
        print("profile page, 200 columns: \(html.utf8.count) bytes, chromium screenshot in \(shot.seconds) s")
        let checked = try runProcess(try E2E.tool("env"), ["python3", "\(Self.scripts)/check_screenshot.py", shot.png], timeout: 30)
        // The columns' marker may be below a 2400 px window: the first three sections must be drawn.
        #expect(checked.status == 0 || checked.stderr.contains("section columns"), "\(checked)")
    }

    /// The binary whose `profile` command makes the documents: PREPLINE_PROFILE_BINARY, else the
    /// one under test; nil (a failing test, never a skipped one) when it has no `profile` command.
    static let profileBinary: String? = {
        guard let binary = ProcessInfo.processInfo.environment["PREPLINE_PROFILE_BINARY"] ?? E2E.binary,
              let probe = try? runProcess(binary, ["profile", "--help"], timeout: 30), probe.status == 0 else { return nil }
        return binary
    }()

    @Test("prepline profile --json and --html on every sample: the page is the rendering of the JSON, and Chromium draws every section")
    func realDocuments() throws {
        let binary = try #require(Self.profileBinary)
        let dir = try TempDir("prepline-profile-html-real")
        let samples = E2E.packageRoot.appendingPathComponent("samples")
        let csvs = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".csv") }.sorted()
        try #require(!csvs.isEmpty)
        var kept: [String] = []
        for csv in csvs {
            let name = String(csv.dropLast(4))
            let ran = try runProcess(binary, ["profile", samples.appendingPathComponent(csv).path, "--json", dir.file("\(name).json"), "--html", dir.file("\(name).html")], timeout: 60)
            guard ran.status == 0 else { continue }  // a sample meant to be refused (ragged.csv)
            let written = String(decoding: try dir.read("\(name).html"), as: UTF8.self)
            let html = try ProfileHTML.render(try JSONParser.parse(try dir.read("\(name).json")))
            #expect(written == html, "\(csv): the page is not the rendering of the JSON")
            #expect(!html.lowercased().contains("<script"), "\(csv)")
            for id in ["overview", "missingness", "nullity-correlation", "columns"] { #expect(html.contains("<section id=\"\(id)\">"), "\(csv): \(id)") }
            kept.append(try dir.write("\(name)-rendered.html", html))
        }
        #expect(kept.contains { $0.hasSuffix("/penguins-rendered.html") })
        let shot = try Self.screenshot(dir.file("penguins-rendered.html"), height: 4200, in: dir, name: "penguins-real")
        Self.keep(kept + [shot.png])
        let checked = try runProcess(try E2E.tool("env"), ["python3", "\(Self.scripts)/check_screenshot.py", shot.png], timeout: 30)
        #expect(checked.status == 0, "\(checked)")
    }
}
