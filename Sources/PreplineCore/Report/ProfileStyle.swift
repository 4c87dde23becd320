extension ProfileHTML {
    /// The page's stylesheet: the system font stack, one accent colour, a grid of cards that
    /// reflows with the width, and a print layout (white, no card split across pages).
    static let stylesheet = """
    :root{--ink:#1f2937;--mut:#6b7280;--line:#e5e7eb;--bg:#f5f6f8;--card:#fff;--accent:#4f6bed;--warn:#b45309}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;font-variant-numeric:tabular-nums}
    header.page{background:#1e293b;color:#f8fafc;padding:22px 32px 0}
    header.page h1{margin:0;font-size:22px;font-weight:650;letter-spacing:-.01em}
    header.page .sub{margin:4px 0 14px;color:#cbd5e1}
    header.page .file{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;color:#fff}
    nav{display:flex;gap:22px}
    nav a{color:#cbd5e1;text-decoration:none;padding:8px 0 10px;border-bottom:2px solid transparent;font-size:13px}
    nav a:hover{color:#fff;border-bottom-color:var(--accent)}
    main{max-width:1240px;margin:0 auto;padding:8px 24px 32px}
    section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px 20px;margin:20px 0}
    section#columns{background:none;border:none;padding:0}
    h2{display:flex;align-items:center;gap:10px;margin:0 0 6px;font-size:17px;font-weight:650}
    h2 .mark{display:inline-block;width:12px;height:12px;border-radius:3px;background:var(--accent)}
    #overview h2 .mark{background:#4f6bed}
    #missingness h2 .mark{background:#0f766e}
    #nullity-correlation h2 .mark{background:#b2182b}
    #columns h2 .mark{background:#7c3aed}
    .note{color:var(--mut);margin:0 0 12px;font-size:13px;max-width:860px}
    .empty{color:var(--mut);font-style:italic;margin:8px 0}
    .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin:12px 0 18px}
    .tile{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fafbfc}
    .tile .k{font-size:12px;color:var(--mut);text-transform:uppercase;letter-spacing:.04em}
    .tile .v{font-size:24px;font-weight:650;margin-top:2px}
    .tile .d{font-size:12px;color:var(--mut)}
    .tile.warn .v{color:var(--warn)}
    table.index{border-collapse:collapse;width:100%;font-size:13px}
    table.index th.num{text-align:right}
    table.index th{text-align:left;white-space:nowrap;font-weight:600;color:var(--mut);font-size:12px;border-bottom:1px solid var(--line);padding:4px 8px}
    table.index td{border-bottom:1px solid #f1f2f4;padding:3px 8px;vertical-align:middle}
    table.index tr:last-child td{border-bottom:none}
    table.index a{color:var(--ink);text-decoration:none}
    table.index a:hover{color:var(--accent);text-decoration:underline}
    .num{text-align:right;white-space:nowrap}
    .mut{color:var(--mut)}
    details.index summary{cursor:pointer;color:var(--mut);font-size:13px;margin:0 0 6px}
    .pct{display:inline-block;min-width:64px;text-align:right;margin-right:8px}
    .meter{display:inline-block;width:80px;height:6px;border-radius:3px;background:#eef0f3;vertical-align:middle;overflow:hidden}
    .meter span{display:block;height:100%;background:var(--warn)}
    .figure{margin:4px 0 8px}
    .scroll{overflow-x:auto}
    svg{display:block;max-width:100%;height:auto}
    svg text{font-family:inherit}
    .lbl{font-size:11px;fill:var(--ink)}
    .lbl.mut{fill:var(--mut)}
    .cv{font-size:10px}
    .legendrow{display:flex;align-items:center;gap:18px;flex-wrap:wrap}
    .legendrow .note{margin:0}
    .cards{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px;margin-top:10px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px 12px;break-inside:avoid;min-width:0}
    .card header{display:flex;align-items:flex-start;justify-content:space-between;gap:10px}
    .card h3{margin:0;font-size:15px;font-weight:650;overflow-wrap:anywhere;line-height:1.3}
    .card .idx{color:var(--mut);font-weight:500;font-size:12px;margin-right:8px}
    .badge{flex:none;font-size:11px;font-weight:600;padding:2px 8px;border-radius:999px;letter-spacing:.02em;white-space:nowrap}
    .t-num{background:#e0e7ff;color:#3730a3}
    .t-text{background:#dcfce7;color:#166534}
    .t-time{background:#fef3c7;color:#92400e}
    .t-bool{background:#fce7f3;color:#9d174d}
    .t-other{background:#f3f4f6;color:#374151}
    .fill{height:4px;border-radius:2px;background:#fde2c4;margin:10px 0 8px;overflow:hidden}
    .fill span{display:block;height:100%;background:#0f766e}
    dl.figs{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:2px 16px;margin:0 0 8px}
    dl.figs div{display:flex;justify-content:space-between;gap:8px;border-bottom:1px dotted var(--line);padding:2px 0;min-width:0}
    dl.figs dt{color:var(--mut)}
    dl.figs dd{margin:0;text-align:right;overflow-wrap:anywhere}
    table.quant{width:100%;border-collapse:collapse;font-size:12px;margin:2px 0 6px;table-layout:fixed}
    table.quant th{color:var(--mut);font-weight:500;text-align:center}
    table.quant td{text-align:center;overflow-wrap:anywhere}
    figure{margin:6px 0 0}
    figcaption{font-size:11px;color:var(--mut);text-align:right}
    .chart .bar{fill:#6d83f2}
    .chart .bar:hover{fill:#3b55e6}
    code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.92em}
    footer{max-width:1240px;margin:0 auto;padding:0 24px 28px;color:var(--mut);font-size:12px}
    @media print{
      body{background:#fff;font-size:11px}
      header.page{background:#fff;color:var(--ink);padding:0 0 6px;border-bottom:2px solid var(--ink)}
      header.page .sub,header.page .file{color:var(--ink)}
      nav{display:none}
      main{max-width:none;padding:0}
      section{border:none;padding:0;margin:14px 0;break-inside:auto}
      .card,.tile,figure,.figure{break-inside:avoid}
      .cards{grid-template-columns:repeat(2,minmax(0,1fr))}
      .scroll{overflow:visible}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
    }
    """
}
