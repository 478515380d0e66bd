//! "Did you mean ...?": the nearest of the names a field, section, subcommand or file could have
//! been, for a name that is none of them (a typing slip, not a different name).

use std::path::{Component, Path, PathBuf};

/// The candidate nearest to `word` by edit distance, if it is near enough to be a slip: at most a
/// third of the longer name's letters differ (and at least one letter is shared in place).
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= word.chars().count().max(c.chars().count()) / 3 && *d > 0)
        .min()
        .map(|(_, c)| c)
}

/// Serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or `b`") with "; did
/// you mean `a`?" when one of the expected names is near `x`; otherwise unchanged.
pub(crate) fn unknown_field(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match nearest(field, names) {
        Some(n) => format!("{message}; did you mean `{n}`?"),
        None => message.to_string(),
    }
}

/// For a path that does not exist, the nearest one that does: each component that does not exist
/// replaced by its nearest sibling (see [`nearest`]). `None` if some component has no near
/// sibling, or the path exists.
pub(crate) fn existing_path(path: &Path) -> Option<PathBuf> {
    if path.exists() {
        return None;
    }
    let mut at = PathBuf::new();
    for c in path.components() {
        let next = at.join(c.as_os_str());
        if next.exists() || !matches!(c, Component::Normal(_)) {
            at = next;
            continue;
        }
        let dir = if at.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &at
        };
        let siblings: Vec<String> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let name = c.as_os_str().to_string_lossy();
        let near = nearest(&name, siblings.iter().map(String::as_str))?;
        at = at.join(near);
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_finds_the_name_and_a_different_name_finds_nothing() {
        let names = ["data_sharing", "life", "wellbeing_calls"];
        assert_eq!(nearest("data_sharng", names), Some("data_sharing"));
        assert_eq!(nearest("lfie", names), Some("life"));
        assert_eq!(nearest("court", names), None);
        assert_eq!(
            nearest("life", names),
            None,
            "the name itself is no suggestion"
        );
    }

    #[test]
    fn serde_s_unknown_field_gets_the_nearest_expected_name() {
        assert_eq!(
            unknown_field("unknown field `move_rate_per_yer`, expected one of `move_rate_per_year`, `runaway_rate_per_year`"),
            "unknown field `move_rate_per_yer`, expected one of `move_rate_per_year`, `runaway_rate_per_year`; did you mean `move_rate_per_year`?"
        );
        assert_eq!(
            unknown_field("unknown field `foo`, expected `from` or `value`"),
            "unknown field `foo`, expected `from` or `value`"
        );
        assert_eq!(unknown_field("missing field `x`"), "missing field `x`");
    }

    #[test]
    fn a_path_with_a_slip_in_a_folder_or_file_finds_the_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("reforms")).unwrap();
        std::fs::write(d.join("reforms/integrated_record.toml"), "").unwrap();
        assert_eq!(
            existing_path(&d.join("reform/integrated_recrd.toml")),
            Some(d.join("reforms/integrated_record.toml"))
        );
        assert_eq!(
            existing_path(&d.join("reforms/integrated_record.toml")),
            None
        );
        assert_eq!(existing_path(&d.join("elsewhere/x.toml")), None);
    }
}
