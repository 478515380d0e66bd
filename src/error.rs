//! Typed errors of the library. Messages name the file, the dotted field path, the value and what
//! is allowed.

use std::path::PathBuf;

/// One invalid value in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `data_sharing.orr_to_ice_probability`.
    pub field: String,
    /// The value found, as written.
    pub value: String,
    /// What is allowed.
    pub allowed: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            // The explanation shows the value itself.
            return write!(
                f,
                "field `{}`: {}",
                bounded(&self.field, MAX_VALUE),
                bounded(&self.allowed, MAX_MESSAGE)
            );
        }
        write!(
            f,
            "field `{}` = {}: {}",
            bounded(&self.field, MAX_VALUE),
            bounded(&self.value, MAX_VALUE),
            bounded(&self.allowed, MAX_MESSAGE)
        )
    }
}

/// Longest value (or field path) shown in a message, in characters.
const MAX_VALUE: usize = 300;
/// Longest explanation shown in a message (lists of valid names can be long), in characters.
const MAX_MESSAGE: usize = 8_000;

/// `s`, cut to `max` characters (saying how much was left out): a value a user wrote may be
/// megabytes long, and a message must stay short.
pub(crate) fn bounded(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &s[..cut], s.len()).into(),
    }
}

/// Bad input: a file that cannot be read or parsed, a field out of range, an output folder that may
/// not be used. Every message names the file and, where there is one, the field.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// A file could not be read: why, and the nearest existing path if it does not exist.
    #[error("cannot read {kind} file {path}: {io}{}", hint.as_ref().map_or(String::new(), |h| format!("; did you mean {}?", h.display())))]
    Read {
        /// "scenario", "sweep", "explore", "calibration", "targets" or "explorer".
        kind: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        io: std::io::Error,
        /// The nearest existing path, for a path that does not exist.
        hint: Option<PathBuf>,
    },
    /// An input file larger than any input file needs to be.
    #[error("{kind} file {path} is {bytes} bytes, over the limit of {limit} bytes for an input file (the baseline scenario is about 40 kB)")]
    TooLarge {
        /// "scenario", "sweep", ...
        kind: &'static str,
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A file is not valid TOML.
    #[error("{path}: not valid TOML: {}", bounded(message, MAX_MESSAGE))]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// An `extends` that names no usable file. `message` says what is wrong and what is allowed.
    #[error("{path}: field `extends` = \"{}\": {message}", target.escape_debug())]
    Extends {
        /// The file with the `extends`.
        path: PathBuf,
        /// What it names.
        target: String,
        /// What is wrong.
        message: String,
    },
    /// A field of the wrong type or shape, or unknown.
    #[error(
        "{path}{chain}: field `{}`: {}",
        bounded(field, MAX_VALUE),
        bounded(message, MAX_MESSAGE)
    )]
    Schema {
        /// The file.
        path: PathBuf,
        /// " (extends a.toml, b.toml)" or empty.
        chain: String,
        /// The dotted path of the field.
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// An output folder given as input (e.g. to `report`) that is empty, incomplete or written by
    /// an older version, or an output folder that may not be written (it already holds other
    /// results). `message` says what is wrong and what to do.
    #[error("{path}: {message}")]
    Outputs {
        /// The folder.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// Another command is writing the output folder.
    #[error("{path} is in use by another custody-sim command ({holder}); wait for it to finish, or choose another output folder")]
    Locked {
        /// The folder.
        path: PathBuf,
        /// What the holder wrote into the lock file (its process id and command line).
        holder: String,
    },
    /// An output folder that cannot be created or written, found before anything runs.
    #[error("cannot write to output folder {path}")]
    Unwritable {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Outputs that cannot fit in the disk space left where they would be written.
    #[error("{what} needs at least {} MB of disk in {path}, and {} MB are free there: run fewer replications, or write elsewhere (--out)", need / 1_000_000, free / 1_000_000)]
    NoRoom {
        /// What would be written.
        what: String,
        /// The output folder.
        path: PathBuf,
        /// Bytes needed, at least.
        need: u64,
        /// Bytes free.
        free: u64,
    },
    /// Values out of range, every one of the file at once.
    #[error("{path}{chain}: {} invalid value(s):\n{}", problems.len(), list(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// " (extends a.toml, b.toml)" or empty.
        chain: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// Most problems an error lists; the rest are counted (a file with thousands of bad values would
/// otherwise print megabytes).
pub const MAX_LISTED_PROBLEMS: usize = 100;

fn list(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| format!("  - {p}"))
        .collect();
    if problems.len() > MAX_LISTED_PROBLEMS {
        lines.push(format!(
            "  ... and {} more (the first {MAX_LISTED_PROBLEMS} are listed)",
            problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    lines.join("\n")
}
