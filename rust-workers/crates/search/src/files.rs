//! The files a search (or a tree listing) reads: `.gitignore`/`.ignore` honoured (also outside a
//! git repository), hidden files skipped, symlinks never followed, include/exclude globs
//! (gitignore syntax, relative to the walked directory), sorted by path. Symlinks, FIFOs,
//! sockets and devices are reported with their kind and never opened.

use std::path::{Path, PathBuf};

use crate::Error;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Listed {
    /// Regular files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Directories below the root (not the root itself), sorted by path.
    pub directories: Vec<PathBuf>,
    /// Entries never opened, with why: `symlink`, `fifo`, `socket`, `block device`,
    /// `character device`, `walk error: …`.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The exclude globs as overrides of the walk (they prune directories) and the include globs
/// (none: every file), checked after it (as overrides they would whitelist a matching file past
/// .gitignore and the hidden rule). A glob that does not compile is [`Error::InvalidGlob`].
fn filters(root: &Path, include: &[String], exclude: &[String]) -> Result<(ignore::overrides::Override, Option<ignore::overrides::Override>), Error> {
    let globs = |patterns: &[String], prefix: &str| -> Result<ignore::overrides::Override, Error> {
        let mut builder = ignore::overrides::OverrideBuilder::new(root);
        for glob in patterns {
            builder.add(&format!("{prefix}{glob}")).map_err(|e| Error::InvalidGlob(format!("{glob}: {e}")))?;
        }
        builder.build().map_err(|e| Error::InvalidGlob(e.to_string()))
    };
    let included = globs(include, "")?;
    Ok((globs(exclude, "!")?, (!include.is_empty()).then_some(included)))
}

/// One entry of a walk by the rules both walks share: a regular file the include globs keep, or
/// an entry never opened and why (a symlink, a special file, a walk error); `None` for a
/// directory, a file the include globs leave out, or an entry of unknown type.
fn walked(entry: Result<ignore::DirEntry, ignore::Error>, root: &Path, included: Option<&ignore::overrides::Override>) -> Option<Walked> {
    match entry {
        Ok(entry) => match entry.file_type() {
            Some(t) if t.is_file() => match included {
                Some(included) if !included.matched(entry.path(), false).is_whitelist() => None,
                _ => Some(Walked::File(entry.into_path())),
            },
            Some(t) if t.is_dir() => None,
            Some(t) if t.is_symlink() => Some(Walked::Skipped(entry.into_path(), "symlink".into())),
            Some(t) => Some(Walked::Skipped(entry.into_path(), special_kind(t).into())),
            None => None,
        },
        Err(e) => Some(Walked::Skipped(root.to_path_buf(), format!("walk error: {e}"))),
    }
}

/// Walks `root` (a directory, or one file) with the include and exclude globs. An include glob
/// keeps only the files it matches among those the walk lists (directories are always entered);
/// an exclude glob drops files and directories. A glob that does not compile is [`Error::InvalidGlob`].
pub fn list(root: &Path, include: &[String], exclude: &[String]) -> Result<Listed, Error> {
    let (overrides, included) = filters(root, include, exclude)?;
    // The walk runs on the rayon pool's width of threads (`ignore`'s parallel walker): on a cold or
    // busy machine the listing alone is a third of a search's time when one thread does it.
    let threads = rayon::current_num_threads().max(1);
    let shared = std::sync::Mutex::new(Listed::default());
    let walker = ignore::WalkBuilder::new(root).follow_links(false).require_git(false).overrides(overrides).threads(threads).build_parallel();
    walker.run(|| {
        let (shared, included) = (&shared, included.as_ref());
        Box::new(move |entry| {
            let mut listed = shared.lock().unwrap_or_else(|p| p.into_inner());
            match entry {
                Ok(entry) if entry.depth() > 0 && entry.file_type().is_some_and(|t| t.is_dir()) => listed.directories.push(entry.into_path()),
                entry => match walked(entry, root, included) {
                    Some(Walked::File(path)) => listed.files.push(path),
                    Some(Walked::Skipped(path, reason)) => listed.skipped.push((path, reason)),
                    None => {}
                },
            }
            ignore::WalkState::Continue
        })
    });
    let mut listed = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    listed.files.sort_unstable_by(|a, b| path_order(a, b));
    listed.directories.sort();
    listed.skipped.sort();
    Ok(listed)
}

/// One entry of a [`Walker`]'s walk: a regular file, or an entry never opened and why (as in
/// [`Listed::skipped`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Walked {
    File(PathBuf),
    Skipped(PathBuf, String),
}

/// The walk of [`list`] (the same rules and globs) one entry at a time, in the order of
/// [`Listed::files`], so that a search that has its matches stops walking: depth first, each
/// directory's entries sorted by name (bytes). That is `Path`'s order, component by component
/// (`a/b` before `a-c`, as `a` < `a-c`), which [`list`] sorts by: one order for every caller.
pub struct Walker {
    root: PathBuf,
    overrides: ignore::overrides::Override,
    included: Option<ignore::overrides::Override>,
}

impl Walker {
    /// The walk of `root` with the include and exclude globs, as [`list`] takes them.
    pub fn new(root: &Path, include: &[String], exclude: &[String]) -> Result<Walker, Error> {
        let (overrides, included) = filters(root, include, exclude)?;
        Ok(Walker { root: root.to_path_buf(), overrides, included })
    }

    /// Hands each file and skipped entry to `each`, in order, until the walk ends or `each`
    /// returns false. One thread (a sorted walk is sequential): the caller runs it beside the
    /// search of the files it handed already.
    pub fn run(self, each: &mut dyn FnMut(Walked) -> bool) {
        let walk = ignore::WalkBuilder::new(&self.root).follow_links(false).require_git(false).overrides(self.overrides).sort_by_file_name(|a, b| a.cmp(b)).build();
        for entry in walk {
            let Some(walked) = walked(entry, &self.root, self.included.as_ref()) else { continue };
            if !each(walked) {
                return;
            }
        }
    }
}

/// `Path`'s order (component by component) for the walk's paths, as bytes with `/` below every
/// other byte: the same order (a name holds no `/` or NUL, and every path starts with the same
/// root), without splitting both paths into components at every comparison (4% of a search's CPU
/// time in profiles).
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    use std::os::unix::ffi::OsStrExt;
    let key = |c: &u8| if *c == b'/' { 0 } else { u16::from(*c) + 1 };
    a.as_os_str().as_bytes().iter().map(key).cmp(b.as_os_str().as_bytes().iter().map(key))
}

/// What a file that is not a regular file, a directory or a symlink is.
pub fn special_kind(file_type: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "fifo"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_char_device() {
        "character device"
    } else {
        "not a regular file"
    }
}

/// `path` as a result names it: relative to `base` with `/` separators.
pub fn display(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().into_owned();
    if s.is_empty() {
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(s)
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_path_compares_them() {
        let mut paths: Vec<PathBuf> = ["./a/x", "./a-b/x", "./a.b", "./a b/c", "./a/x/y", "./ab", "./a", "./B", "./\u{e9}", "./a/\u{ff}z"].iter().map(PathBuf::from).collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_unstable_by(|a, b| path_order(a, b));
        assert_eq!(paths, expected);
    }

    /// The walker hands the files of `list` in its order (`a/b` before `a b/c` and `a-c`, hidden
    /// and ignored files left out) and its skipped entries, with the globs as `list` takes them;
    /// `each` saying stop ends the walk.
    #[test]
    fn the_walker_walks_as_list_lists() {
        let dir = crate::tests::fixture_dir("walker");
        for name in ["a-c", "a/b/d", "a/b-c", "a/x/y.rs", "a.b", "a b/c.rs", "ab", "B", "\u{e9}", "a/\u{ff}z", ".hidden/h", "a/out.rs", "gen/g.rs"] {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "x").unwrap();
        }
        std::fs::write(dir.join("a/.gitignore"), "out.rs\n").unwrap();
        std::os::unix::fs::symlink(dir.join("ab"), dir.join("a/link")).unwrap();
        let walked = |include: &[String], exclude: &[String], most: usize| {
            let (mut files, mut skipped) = (Vec::new(), Vec::new());
            Walker::new(&dir, include, exclude).unwrap().run(&mut |w| {
                match w {
                    Walked::File(f) => files.push(f),
                    Walked::Skipped(p, r) => skipped.push((p, r)),
                }
                files.len() < most
            });
            (files, skipped)
        };
        let globs = [(vec![], vec![]), (vec!["*.rs".to_string()], vec![]), (vec![], vec!["b/".to_string(), "gen".to_string()])];
        for (include, exclude) in &globs {
            let listed = list(&dir, include, exclude).unwrap();
            let (files, skipped) = walked(include, exclude, usize::MAX);
            assert_eq!(files, listed.files, "{include:?} {exclude:?}");
            assert_eq!(skipped, listed.skipped);
        }
        let names = |files: Vec<PathBuf>| files.iter().map(|f| display(f, &dir)).collect::<Vec<_>>();
        assert_eq!(names(walked(&[], &[], usize::MAX).0), ["B", "a/b/d", "a/b-c", "a/x/y.rs", "a/\u{ff}z", "a b/c.rs", "a-c", "a.b", "ab", "gen/g.rs", "\u{e9}"]);
        assert_eq!(walked(&[], &[], usize::MAX).1, [(dir.join("a/link"), "symlink".to_string())]);
        assert_eq!(names(walked(&[], &[], 3).0), ["B", "a/b/d", "a/b-c"]);
        assert!(matches!(Walker::new(&dir, &["a[".into()], &[]), Err(Error::InvalidGlob(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn globs_include_and_exclude_and_gitignore_is_honoured() {
        let dir = crate::tests::fixture_dir("files");
        std::fs::create_dir_all(dir.join("src/gen")).unwrap();
        std::fs::write(dir.join("src/a.rs"), "a").unwrap();
        std::fs::write(dir.join("src/b.py"), "b").unwrap();
        std::fs::write(dir.join("src/gen/c.rs"), "c").unwrap();
        std::fs::write(dir.join("ignored.rs"), "i").unwrap();
        std::fs::write(dir.join(".gitignore"), "ignored.rs\n").unwrap();
        let names = |l: Listed| l.files.iter().map(|f| display(f, &dir)).collect::<Vec<_>>();
        assert_eq!(names(list(&dir, &[], &[]).unwrap()), ["src/a.rs", "src/b.py", "src/gen/c.rs"]);
        assert_eq!(names(list(&dir, &["*.rs".into()], &["gen/".into()]).unwrap()), ["src/a.rs"]);
        assert!(matches!(list(&dir, &["a[".into()], &[]), Err(Error::InvalidGlob(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
