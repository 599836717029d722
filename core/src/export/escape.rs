//! Escaping user strings for each target format. Every string that comes from a model (names,
//! descriptions, owners, notes, reasons, narratives, ids) goes through one of these.
//!
//! First, in every format, characters that could hide or disguise text are made visible as
//! `[U+XXXX]`: control characters (other than tab and newline; XML cannot even hold most of
//! them) and the Unicode bidirectional controls ("Trojan Source": U+202E can make a reader see
//! text in an order other than the one stored).

use std::borrow::Cow;
use std::fmt::Write;

/// Should `c` be shown as `[U+XXXX]` instead of itself?
fn hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{fffe}' | '\u{ffff}')
}

/// The text with hidden characters made visible (see the module docs); `\r` becomes `\n`.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| hidden(c) || c == '\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() != Some(&'\n') {
                out.push('\n');
            }
        } else if hidden(c) {
            let _ = write!(out, "[U+{:04X}]", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for XML and HTML, in element content and in quoted attribute values alike:
/// `& < > " '` become references.
pub fn xml(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Inline text for GitHub-flavoured Markdown, safe in a paragraph, a list item or a table
/// cell: on one line (line breaks and runs of whitespace become one space, so no indented code
/// block can start), every character that Markdown or GitHub would interpret backslash-escaped
/// (`\` `` ` `` `*` `_` `[` `]` `<` `>` `|` `#` `~` `&` `$`), so raw HTML, links, emphasis, math
/// and entity references cannot form; a leading `-`, `+`, `=` or `1.` cannot start a list or a
/// heading either.
pub fn markdown(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut at_start = true;
    let mut leading_digits = true;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if leading_digits && !at_start => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        leading_digits = leading_digits && c.is_ascii_digit();
        at_start = false;
    }
    if space {
        out.push(' ');
    }
    out
}

/// A label for Mermaid, to go between double quotes: on one line, and every character that
/// Mermaid or its HTML labels would interpret written as a Mermaid entity code (`#quot;`,
/// `#lt;`, `#35;` …), including `#` itself, so a `#quot;` in the text stays literal, and `%`,
/// so no `%%{init: …}%%` directive can form.
pub fn mermaid(text: &str) -> String {
    let text = visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            // Mermaid looks for `%%{init: …}%%` directives anywhere in the text.
            '%' => out.push_str("#37;"),
            // Mermaid's own placeholders for entity codes while it parses.
            '\u{fb02}' | '\u{b6}' | '\u{b0}' | '\u{df}' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_the_five() {
        assert_eq!(
            xml(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hidden_characters_become_visible() {
        assert_eq!(xml("a\u{202e}b\u{1}c"), "a[U+202E]b[U+0001]c");
        assert_eq!(visible("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn markdown_neutralises_markup() {
        assert_eq!(markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(markdown("| a | b |"), "\\| a \\| b \\|");
        assert_eq!(markdown("# title\nnext"), "\\# title next");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("1. item"), "1\\. item");
        assert_eq!(markdown("a-b 2.5"), "a-b 2.5");
        assert_eq!(markdown(" a \n\n    b "), " a b ");
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
    }

    #[test]
    fn mermaid_labels_hold_no_markup() {
        assert_eq!(
            mermaid(r#"a "b" <c> | #quot; `d` %%{init}%%"#),
            "a #quot;b#quot; #lt;c#gt; #124; #35;quot; #96;d#96; #37;#37;{init}#37;#37;"
        );
    }
}
