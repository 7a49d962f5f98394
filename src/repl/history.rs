//! The shell's history file: where it lives, and how it is saved without ever leaving a
//! half-written file behind.
//!
//! rustyline's own `save` truncates the file and then writes it, and `append` may rewrite
//! it in place, so a crash, a full disk or a kill in between leaves it cut short. Here a
//! save reads the file as it is now (another awsgraph may have added to it since), adds
//! this session's new lines, writes the result to a temporary file beside it and renames
//! that over the original: a reader sees the old file or the new one, never a mix. The
//! format is rustyline's own (`#V2`, with `\` and newline escaped), so `load` reads it.

use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rustyline::Config;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History, SearchDirection};

use super::ReplError;

/// `$XDG_STATE_HOME/awsgraph/history` (`~/.local/state/awsgraph/history`) on Linux; the
/// local application-data directory where a platform has no state directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("awsgraph").join("history"))
}

/// The history file of one shell session and the lines it has not saved yet.
#[derive(Debug)]
pub struct HistoryFile {
    path: PathBuf,
    config: Config,
    pending: Vec<String>,
}

fn not_found(e: &ReadlineError) -> bool {
    matches!(e, ReadlineError::Io(io) if io.kind() == io::ErrorKind::NotFound)
}

impl HistoryFile {
    /// `config` gives the size limit and duplicate handling used when merging.
    pub fn new(path: PathBuf, config: Config) -> Self {
        HistoryFile {
            path,
            config,
            pending: Vec::new(),
        }
    }

    /// Fills `history` from the file; a file that does not exist yet is an empty history.
    pub fn load_into(&self, history: &mut dyn History) -> Result<(), ReplError> {
        match history.load(&self.path) {
            Err(e) if !not_found(&e) => Err(ReplError::HistoryRead {
                path: self.path.clone(),
                source: e,
            }),
            _ => Ok(()),
        }
    }

    /// Remembers a line for the next [`save`](Self::save).
    pub fn record(&mut self, line: &str) {
        self.pending.push(line.to_string());
    }

    /// Merges the unsaved lines into the file. A file that exists but cannot be read is
    /// left alone rather than replaced by this session's lines alone.
    pub fn save(&mut self) -> Result<(), ReplError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let write_err = |source| ReplError::HistoryWrite {
            path: self.path.clone(),
            source,
        };
        let mut merged = DefaultHistory::with_config(&self.config);
        match merged.load(&self.path) {
            Err(e) if !not_found(&e) => return Err(write_err(io::Error::other(e))),
            _ => {}
        }
        for line in &self.pending {
            merged
                .add(line)
                .map_err(|e| write_err(io::Error::other(e)))?;
        }
        let entries: Vec<String> = (0..merged.len())
            .filter_map(|i| merged.get(i, SearchDirection::Forward).ok().flatten())
            .map(|r| r.entry.into_owned())
            .collect();
        write_atomically(&self.path, &entries).map_err(write_err)?;
        self.pending.clear();
        Ok(())
    }
}

/// Writes `entries` in rustyline's format to a temporary file next to `path`, then
/// renames it into place.
fn write_atomically(path: &Path, entries: &[String]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the history path names no file",
        )
    })?;
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // What someone typed is nobody else's business, as with shells' history files.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&tmp)?;
        let mut w = BufWriter::new(&file);
        w.write_all(b"#V2\n")?;
        for e in entries {
            w.write_all(e.replace('\\', "\\\\").replace('\n', "\\n").as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        drop(w);
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::builder()
            .max_history_size(100)
            .and_then(|b| b.history_ignore_dups(true))
            .map(|b| b.build())
            .unwrap_or_default()
    }

    fn read_back(path: &Path) -> Vec<String> {
        let mut h = DefaultHistory::with_config(&config());
        HistoryFile::new(path.to_path_buf(), config())
            .load_into(&mut h)
            .expect("loads");
        (0..h.len())
            .filter_map(|i| h.get(i, SearchDirection::Forward).ok().flatten())
            .map(|r| r.entry.into_owned())
            .collect()
    }

    #[test]
    fn saves_in_a_new_directory_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/awsgraph/history");
        let mut f = HistoryFile::new(path.clone(), config());
        f.record("describe VPC");
        f.record(r#"describe "a \" b\\""#);
        f.save().unwrap();
        assert_eq!(
            read_back(&path),
            vec!["describe VPC".to_string(), r#"describe "a \" b\\""#.into()]
        );
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("history")],
            "no temporary file is left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn two_sessions_merge_instead_of_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        let mut a = HistoryFile::new(path.clone(), config());
        let mut b = HistoryFile::new(path.clone(), config());
        a.record("describe VPC");
        a.save().unwrap();
        b.record("what monitors Lambda");
        b.save().unwrap();
        a.record("list relations");
        a.save().unwrap();
        assert_eq!(
            read_back(&path),
            vec!["describe VPC", "what monitors Lambda", "list relations"]
        );
    }

    #[test]
    fn nothing_new_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        HistoryFile::new(path.clone(), config()).save().unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn unwritable_place_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "not a directory").unwrap();
        let mut f = HistoryFile::new(blocker.join("history"), config());
        f.record("describe VPC");
        let e = f
            .save()
            .expect_err("a file stands where the directory should be");
        assert!(matches!(e, ReplError::HistoryWrite { .. }), "{e:?}");
    }

    #[test]
    fn an_unreadable_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        fs::write(&path, b"#V2\n\xff\xfe broken\n").unwrap();
        let mut f = HistoryFile::new(path.clone(), config());
        f.record("describe VPC");
        assert!(f.save().is_err());
        assert_eq!(fs::read(&path).unwrap(), b"#V2\n\xff\xfe broken\n");
        let mut h = DefaultHistory::new();
        assert!(matches!(
            f.load_into(&mut h),
            Err(ReplError::HistoryRead { .. })
        ));
    }
}
