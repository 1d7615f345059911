//! YAML aliases measured before they are expanded: `*a` stands for a copy of what `&a` names,
//! so a 1 MB document of aliases to aliases can stand for gigabytes. One pass over the
//! parser's events (nothing is built) adds up what every alias would copy, and a document
//! whose aliases add more than its own size (and at least [`FLOOR`]) is refused before the
//! reader expands any of them.

use serde_saphyr::granit_parser::{Event, Parser};
use std::collections::HashMap;

/// Aliases may always add this many bytes, whatever the document's size.
pub const FLOOR: usize = 1 << 20;

/// `Err((line, message))` when the aliases of `text` would add more than `limit` bytes; the
/// document's syntax errors are left to the reader, which names them.
pub(super) fn within(text: &str, limit: usize) -> Result<(), (usize, String)> {
    // The expanded size of every anchored node, and the sizes of the collections still open
    // (with their anchor: 0 for none).
    let mut anchored: HashMap<usize, usize> = HashMap::new();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut added = 0usize;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return Ok(());
        };
        let size = match event {
            Event::Scalar(value, _, anchor, _) => {
                let size = value.len() + 1;
                if anchor != 0 {
                    anchored.insert(anchor, size);
                }
                size
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, size)) = open.pop() else {
                    continue;
                };
                if anchor != 0 {
                    anchored.insert(anchor, size);
                }
                size
            }
            Event::Alias(id) => {
                let size = anchored.get(&id).copied().unwrap_or(1);
                added = added.saturating_add(size);
                if added > limit {
                    let message = format!(
                        "invalid YAML: its aliases stand for more than {limit} bytes of copies \
                         (refused before copying)"
                    );
                    return Err((span.start.line(), message));
                }
                size
            }
            _ => continue,
        };
        if let Some(parent) = open.last_mut() {
            parent.1 = parent.1.saturating_add(size);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_measured_by_what_they_copy_not_by_their_count() {
        // [x, y] is 5 bytes: two copies add 10.
        let few = "a: &a [x, y]\nb: *a\nc: *a\n";
        assert_eq!(within(few, 10), Ok(()));
        assert_eq!(
            within(few, 9),
            Err((
                3,
                "invalid YAML: its aliases stand for more than 9 bytes of copies (refused before \
                 copying)"
                    .to_owned()
            ))
        );
        // Each level doubles: 2^20 copies of "lol" from a 300-byte document.
        let mut bomb = String::from("l0: &l0 [lol, lol]\n");
        for i in 1..=20 {
            bomb.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
        }
        let refused = within(&bomb, 1 << 20);
        assert!(
            matches!(&refused, Err((_, m)) if m.contains("more than 1048576 bytes")),
            "{refused:?}"
        );
    }
}
