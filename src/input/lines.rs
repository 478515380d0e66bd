//! TOML files read line by line, for what a parser does not keep: the comments (which values a
//! scenario marks as assumptions, the sources a report cites) and where each value stands.

/// The characters of `text` outside quoted strings (the quotes left out), with their byte offsets.
fn unquoted(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote: Option<char> = None;
    text.char_indices().filter(move |&(_, c)| match quote {
        None if c == '"' || c == '\'' => {
            quote = Some(c);
            false
        }
        None => true,
        Some(q) => {
            if c == q {
                quote = None;
            }
            false
        }
    })
}

/// Split a TOML line into code and trailing comment, ignoring `#` inside quoted strings.
pub(crate) fn split_comment(line: &str) -> (&str, Option<&str>) {
    match unquoted(line).find(|&(_, c)| c == '#') {
        Some((i, _)) => (&line[..i], Some(line[i + 1..].trim())),
        None => (line, None),
    }
}

/// `[` minus `]` outside quoted strings.
pub(crate) fn bracket_depth(code: &str) -> i64 {
    unquoted(code)
        .map(|(_, c)| match c {
            '[' => 1,
            ']' => -1,
            _ => 0,
        })
        .sum()
}

/// The name of the table a header line (`[a.b]` or `[[a]]`) opens.
pub(crate) fn table_name(header: &str) -> String {
    header
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_brackets_inside_strings_do_not_count() {
        assert_eq!(split_comment("a = 1 # note"), ("a = 1 ", Some("note")));
        assert_eq!(
            split_comment("a = \"x # y\" # z"),
            ("a = \"x # y\" ", Some("z"))
        );
        assert_eq!(split_comment("a = 'x # y'"), ("a = 'x # y'", None));
        assert_eq!(bracket_depth("a = [ [1, 2], \"[\""), 1);
        assert_eq!(bracket_depth("]"), -1);
        assert_eq!(table_name("[[ a.b ]]"), "a.b");
        assert_eq!(table_name("[c]  # x"), "c");
    }
}
