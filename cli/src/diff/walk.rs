//! The state of one comparison: both specs, the changes found so far, and
//! where in the event (and in each spec) the walk is.

use super::change::{Change, Class, Edit, Part, Probe, Step};
use eventbind_codegen::model::Ty;
use eventbind_codegen::Loaded;
use std::collections::HashSet;
use std::path::Path;

/// Walks two loaded specs side by side, collecting [`Change`]s.
pub(crate) struct Walker<'a> {
    pub old: &'a Loaded,
    pub new: &'a Loaded,
    pub changes: Vec<Change>,
    /// Pairs of named types already compared in the current message part
    /// (types refer to each other, possibly in cycles).
    seen: HashSet<(String, String)>,
    message: String,
    part: Part,
    root: Option<Ty>,
}

/// A place in the event: the steps from the root, and the schema of the
/// value there in each spec (`file#pointer`).
#[derive(Clone)]
pub(crate) struct At {
    pub steps: Vec<Step>,
    pub old: String,
    pub new: String,
}

impl At {
    /// The root of a message part, whose schemas are at `old` and `new`.
    pub fn root(old: &str, new: &str) -> At {
        At {
            steps: Vec::new(),
            old: old.to_string(),
            new: new.to_string(),
        }
    }

    /// One step down, to a value whose schemas are at `old` and `new`.
    pub fn child(&self, step: Step, old: String, new: String) -> At {
        let mut steps = self.steps.clone();
        steps.push(step);
        At { steps, old, new }
    }

    /// The same value, its schemas found at more precise places.
    pub fn at(&self, old: &str, new: &str) -> At {
        At {
            steps: self.steps.clone(),
            old: old.to_string(),
            new: new.to_string(),
        }
    }

    /// The instance path, `*` for any array index or map member.
    pub fn path(&self) -> String {
        self.steps
            .iter()
            .filter_map(Step::segment)
            .map(|segment| format!("/{segment}"))
            .collect()
    }
}

impl<'a> Walker<'a> {
    pub fn new(old: &'a Loaded, new: &'a Loaded) -> Self {
        Walker {
            old,
            new,
            changes: Vec::new(),
            seen: HashSet::new(),
            message: String::new(),
            part: Part::Message,
            root: None,
        }
    }

    /// Starts on one part of one message; `root` is the part's old type.
    pub fn enter(&mut self, message: &str, part: Part, root: Option<&Ty>) {
        self.message = message.to_string();
        self.part = part;
        self.root = root.cloned();
        self.seen.clear();
    }

    /// Whether the named pair is met for the first time in this part.
    pub fn first_visit(&mut self, old: &str, new: &str) -> bool {
        self.seen.insert((old.to_string(), new.to_string()))
    }

    /// Records a change at `at`; `edit` says how to prove a breaking one.
    /// The same change met again through another message only adds that
    /// message's name.
    pub fn report(
        &mut self,
        class: Class,
        kind: &'static str,
        description: String,
        at: &At,
        edit: Option<Edit>,
    ) {
        self.record(class, kind, description, at, edit);
    }

    /// [`Walker::report`], returning whether the change is new.
    pub fn record(
        &mut self,
        class: Class,
        kind: &'static str,
        description: String,
        at: &At,
        edit: Option<Edit>,
    ) -> bool {
        let old = Some(self.short(&self.old_pointer(&at.old), true));
        let new = Some(self.short(&self.new_pointer(&at.new), false));
        self.push(class, kind, description, &at.path(), old, new, at, edit)
    }

    /// Records a change with explicit pointers (`None`: not in that spec);
    /// returns whether it is new.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        description: String,
        path: &str,
        old: Option<String>,
        new: Option<String>,
        at: &At,
        edit: Option<Edit>,
    ) -> bool {
        let part = self.part;
        if let Some(existing) = self.changes.iter_mut().find(|c| {
            c.kind == kind
                && c.part == part
                && c.description == description
                && c.old == old
                && c.new == new
        }) {
            if !self.message.is_empty() && !existing.messages.contains(&self.message) {
                existing.messages.push(self.message.clone());
            }
            return false;
        }
        let probe = match (class, edit, &self.root) {
            (Class::Breaking, Some(edit), root) => Some(Probe {
                message: self.message.clone(),
                part,
                root: root
                    .clone()
                    .unwrap_or_else(|| Ty::new(eventbind_codegen::model::TyKind::Any)),
                steps: at.steps.clone(),
                edit,
                key: None,
            }),
            _ => None,
        };
        self.changes.push(Change {
            class,
            kind,
            description,
            part,
            messages: if self.message.is_empty() {
                Vec::new()
            } else {
                vec![self.message.clone()]
            },
            path: path.to_string(),
            old,
            new,
            witness: None,
            probe,
        });
        true
    }

    /// `origin` in the old spec, cut back to the nearest node that exists
    /// (places below a schema are derived, e.g. `/items`, and may not be
    /// spelled that way in the source).
    pub fn old_pointer(&self, origin: &str) -> String {
        existing(self.old, origin)
    }

    /// `origin` in the new spec, cut back to a node that exists.
    pub fn new_pointer(&self, origin: &str) -> String {
        existing(self.new, origin)
    }

    /// `origin` with its file relative to the spec's folder.
    pub fn short(&self, origin: &str, old: bool) -> String {
        let loaded = if old { self.old } else { self.new };
        short(loaded, origin)
    }
}

/// `origin` (`file#pointer`) with the file relative to the spec's folder.
pub(crate) fn short(loaded: &Loaded, origin: &str) -> String {
    let (file, pointer) = origin.split_once('#').unwrap_or((origin, ""));
    let base = loaded.root.parent().unwrap_or(Path::new(""));
    let file = Path::new(file);
    let relative = file.strip_prefix(base).unwrap_or(file);
    format!(
        "{}#{pointer}",
        relative.to_string_lossy().replace('\\', "/")
    )
}

fn existing(loaded: &Loaded, origin: &str) -> String {
    let (file, pointer) = origin.split_once('#').unwrap_or((origin, ""));
    let Some(document) = loaded.documents.root(Path::new(file)) else {
        return origin.to_string();
    };
    let mut pointer = pointer.to_string();
    while !pointer.is_empty() && document.pointer(&pointer).is_none() {
        match pointer.rfind('/') {
            Some(cut) => pointer.truncate(cut),
            None => pointer.clear(),
        }
    }
    format!("{file}#{pointer}")
}
