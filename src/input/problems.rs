//! The problem collector shared by every loader: each problem found in an input file is recorded
//! with the dotted path of its field, and the file is refused once, with all of them.

use std::fmt::Display;
use std::path::Path;

use crate::error::{Problem, ScenarioError};

/// Every problem of one input file found so far, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    /// The problems, each with its field.
    pub(crate) problems: Vec<Problem>,
    /// The error behind the first problem, when it was a whole error (see [`Problems::error`]):
    /// reported as it is while it stays the only problem.
    first_error: Option<ScenarioError>,
}

impl Problems {
    /// A bad value: `field` holds `value`, and `allowed` says what is allowed.
    pub(crate) fn bad(&mut self, field: &str, value: impl Display, allowed: &str) {
        self.problems.push(Problem {
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        });
    }

    /// A problem of `field` in words (`message` shows the value itself where there is one).
    pub(crate) fn field(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.to_string(),
            value: String::new(),
            allowed: message.into(),
        });
    }

    /// The problems of another file that `field` names (a scenario, a targets file, a design CSV):
    /// alone, that file's error is reported as it is; with other problems, as the problem of
    /// `field`.
    pub(crate) fn error(&mut self, field: &str, e: ScenarioError) {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        self.field(field, message.replace('\n', "\n    "));
        if self.problems.len() == 1 {
            self.first_error = Some(e);
        }
    }

    /// Problems found elsewhere (a strict reading of the file's fields).
    pub(crate) fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    /// Whether no problem was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// Check that `field` of the file (written `written`, resolved to `path`) names a file that can
    /// be read, a `kind` file; `false` (and a problem) if not.
    pub(crate) fn reference(
        &mut self,
        field: &str,
        written: &str,
        path: &Path,
        kind: &str,
    ) -> bool {
        let why = if written.trim().is_empty() {
            "is empty".to_string()
        } else if path.is_dir() {
            format!("{} is a folder", path.display())
        } else {
            match std::fs::File::open(path) {
                Ok(_) => return true,
                Err(e) => format!("cannot open {}: {e}", path.display()),
            }
        };
        self.field(
            field,
            format!(
                "\"{}\": {why}; expected the path of a {kind} file, relative to this file's folder",
                written.escape_debug()
            ),
        );
        false
    }

    /// `Ok` if no problem was found; else `file` refused with every problem (a single one as a
    /// one-line message, or as the error it came from).
    pub(crate) fn finish(self, file: &Path) -> Result<(), ScenarioError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error(file))
        }
    }

    /// [`Problems::finish`] for the problems found so far, leaving none: a loader stops here
    /// when what follows depends on what was found wrong.
    pub(crate) fn refuse_if_any(&mut self, file: &Path) -> Result<(), ScenarioError> {
        std::mem::take(self).finish(file)
    }

    /// `file` refused with every problem found (see [`Problems::finish`]).
    pub(crate) fn into_error(mut self, file: &Path) -> ScenarioError {
        if self.problems.len() == 1 {
            if let Some(e) = self.first_error {
                return e;
            }
            let p = self.problems.remove(0);
            return ScenarioError::Schema {
                path: file.to_path_buf(),
                chain: String::new(),
                field: p.field,
                message: p.allowed,
            };
        }
        ScenarioError::Invalid {
            path: file.to_path_buf(),
            chain: String::new(),
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_is_one_line_and_several_are_listed() {
        let mut p = Problems::default();
        assert!(Problems::default().finish(Path::new("f.toml")).is_ok());
        p.field("seed", "-1: must be a whole number >= 0");
        assert_eq!(
            p.into_error(Path::new("f.toml")).to_string(),
            "f.toml: field `seed`: -1: must be a whole number >= 0"
        );
        let mut p = Problems::default();
        p.field("seed", "-1: must be a whole number >= 0");
        p.bad("scale", 2, "must be in (0, 1]");
        assert_eq!(
            p.into_error(Path::new("f.toml")).to_string(),
            "f.toml: 2 invalid value(s):\n  - field `seed`: -1: must be a whole number >= 0\n  - \
             field `scale` = 2: must be in (0, 1]"
        );
    }

    #[test]
    fn another_file_s_error_is_kept_whole_alone_and_indented_among_others() {
        let other = || ScenarioError::Invalid {
            path: "base.toml".into(),
            chain: String::new(),
            problems: vec![
                Problem {
                    field: "a".into(),
                    value: "1".into(),
                    allowed: "must be 0".into(),
                };
                2
            ],
        };
        let mut p = Problems::default();
        p.error("base", other());
        let alone = p.into_error(Path::new("f.toml")).to_string();
        assert_eq!(alone, other().to_string());
        let mut p = Problems::default();
        p.error("base", other());
        p.field("seed", "-1: must be a whole number >= 0");
        let both = p.into_error(Path::new("f.toml")).to_string();
        assert_eq!(
            both,
            "f.toml: 2 invalid value(s):\n  - field `base`: base.toml: 2 invalid value(s):\n      \
             - field `a` = 1: must be 0\n      - field `a` = 1: must be 0\n  - field `seed`: -1: \
             must be a whole number >= 0"
        );
    }

    #[test]
    fn a_referenced_file_must_exist_and_not_be_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Problems::default();
        assert!(!p.reference("base", "", dir.path(), "scenario"));
        assert!(!p.reference("base", "x", dir.path(), "scenario"));
        assert!(!p.reference("base", "y.toml", &dir.path().join("y.toml"), "scenario"));
        let file = dir.path().join("z.toml");
        std::fs::write(&file, "").unwrap();
        assert!(p.reference("base", "z.toml", &file, "scenario"));
        let shown: Vec<&str> = p.problems.iter().map(|x| x.allowed.as_str()).collect();
        assert!(shown[0].starts_with("\"\": is empty; expected the path of a scenario file"));
        assert!(shown[1].contains("is a folder"), "{}", shown[1]);
        assert!(shown[2].contains("cannot open"), "{}", shown[2]);
        assert_eq!(shown.len(), 3);
    }
}
