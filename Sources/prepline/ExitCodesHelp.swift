// The exit-code tables of the commands' help. Outside main.swift, so they are initialised lazily,
// on first use, also when the tests import this module (main.swift's globals are set only by its
// top-level code, which a test never runs).

/// Exit codes, shared by every command's help.
let exitCodesHelp = """
    EXIT CODES
      0  success (also when the output pipe closes early, as with `| head`)
      1  rows rejected under on_error "fail", or checks failed
      2  usage or spec error
      3  malformed or unreadable input (bad CSV, bad gzip, missing file, two
         columns of one name; apply: a training column missing, or unseen)
      4  I/O error on the output
      130  interrupted by SIGINT, 143 by SIGTERM (temporary files removed)
    """

/// Exit codes of `profile`, which has no rows to reject and no checks to fail.
let profileExitCodesHelp = """
    EXIT CODES
      0  success (also when the output pipe closes early, as with `| head`)
      2  usage or spec error
      3  malformed or unreadable input (bad CSV, bad gzip, missing file, an
         empty input, two columns of one name)
      4  I/O error on the output
      130  interrupted by SIGINT, 143 by SIGTERM (temporary files removed)
    """

/// Exit codes of `split`: scikit-learn's refusals are usage errors.
let splitExitCodesHelp = """
    EXIT CODES
      0  success (also when the output pipe closes early, as with `| head`)
      2  usage error, or a split scikit-learn refuses (see above)
      3  malformed or unreadable input (bad CSV, bad gzip, missing file, a
         record of the wrong width)
      4  I/O error on the output
      130  interrupted by SIGINT, 143 by SIGTERM (temporary files removed)
    """
