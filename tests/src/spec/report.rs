//! Per-file results and their textual rendering.

use std::fmt;

/// How many failures a non-verbose report shows under a failing file.
const SHOWN_FAILURES: usize = 5;

/// A directive that did not behave as expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the directive in the `.wast` file.
    pub line: usize,
    /// 1-based column of the directive.
    pub col: usize,
    /// A short, single-line explanation.
    pub reason: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}  {}", self.line, self.col, self.reason)
    }
}

/// The outcome of running one `.wast` file.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    /// File name, e.g. `i32.wast`.
    pub name: String,
    /// Directives that behaved as expected.
    pub passed: usize,
    /// Directives that were not run (unsupported directive kinds).
    pub skipped: usize,
    /// Directives that did not behave as expected, in file order.
    pub failures: Vec<Failure>,
}

impl FileReport {
    /// An empty report for the file `name`.
    pub fn new(name: &str) -> FileReport {
        FileReport {
            name: name.to_string(),
            ..FileReport::default()
        }
    }

    /// Number of failed directives.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    /// The status line (`PASS  i32.wast  374/374`), followed by indented failure lines:
    /// the first few, or all of them when `verbose`.
    pub fn render(&self, verbose: bool) -> String {
        let status = if self.failures.is_empty() {
            "PASS"
        } else {
            "FAIL"
        };
        let total = self.passed + self.failed();
        let mut out = format!("{status}  {}  {}/{total}", self.name, self.passed);
        if self.skipped > 0 {
            out += &format!("  ({} skipped)", self.skipped);
        }
        out.push('\n');
        let shown = if verbose {
            self.failures.len()
        } else {
            SHOWN_FAILURES
        };
        for failure in self.failures.iter().take(shown) {
            out += &format!("    {failure}\n");
        }
        if self.failures.len() > shown {
            out += &format!("    ... and {} more\n", self.failures.len() - shown);
        }
        out
    }
}

/// Assertion counts summed over several files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Passed directives.
    pub passed: usize,
    /// Failed directives.
    pub failed: usize,
    /// Skipped directives.
    pub skipped: usize,
}

impl Totals {
    /// Sums the counts of `reports`.
    pub fn of(reports: &[FileReport]) -> Totals {
        reports.iter().fold(Totals::default(), |t, r| Totals {
            passed: t.passed + r.passed,
            failed: t.failed + r.failed(),
            skipped: t.skipped + r.skipped,
        })
    }
}

impl fmt::Display for Totals {
    /// `N passed, M failed`, plus `, K skipped` when K > 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}
