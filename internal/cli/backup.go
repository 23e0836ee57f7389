package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/greenhelp/greenhelp/central/store"
	"github.com/greenhelp/greenhelp/central/store/sqlite"
)

func newBackupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Copy the store (catalog, rollups and SQLite series) to FILE, consistently, while the central serves",
		Long: `Write a consistent copy of greenhelp.db — the catalog, the rollups and, on the
SQLite backend, every record — to FILE (SQLite's VACUUM INTO: one read
transaction, so batches accepted meanwhile are either wholly in or wholly
out). The central keeps serving. On the InfluxDB backend the records are in
InfluxDB: back them up with influxd backup (see the README) at the same time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, _ := cmd.Flags().GetString("out")
			if out == "" {
				return fmt.Errorf("--out FILE: where to write the copy")
			}
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("--out %s: the file exists: give a new name (a backup never overwrites)", out)
			}
			cat, err := openCatalog(cmd)
			if err != nil {
				return err
			}
			defer cat.Close()
			abs, _ := filepath.Abs(out)
			if err := cat.Backup(cmd.Context(), abs); err != nil {
				return err
			}
			n, err := sqlite.CheckBackup(abs)
			if err != nil {
				return err
			}
			cfg, _ := loadCentral(cmd)
			fmt.Fprintf(cmd.OutOrStdout(), "backup written: %s (%d site(s), checked)\n", abs, n)
			if cfg != nil && cfg.Store.Backend == "influxdb" {
				fmt.Fprintln(cmd.OutOrStdout(), "the records are in InfluxDB: back them up too (influxd backup -portable …), see the README")
			}
			return nil
		},
	}
	cmd.Flags().String("out", "", "the backup file to write (must not exist)")
	storeFlags(cmd)
	_ = cmd.Flags().MarkHidden("init")
	return cmd
}

func newRestoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Put a backup in place as the store of the data directory (the central stopped)",
		Long: `Check FILE (SQLite integrity, a greenhelp schema) and put it in place as the
data directory's greenhelp.db. Stop greenhelp serve first: restore refuses a
store that looks in use (its write-ahead log is not empty), and refuses to
replace an existing store without --force. Start the central afterwards:
it migrates an older backup's schema.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from, _ := cmd.Flags().GetString("from")
			force, _ := cmd.Flags().GetBool("force")
			if from == "" {
				return fmt.Errorf("--from FILE: the backup to restore")
			}
			// A store's own file is not a backup: its latest batches may be
			// in its write-ahead log beside it, which a copy leaves out.
			if info, err := os.Stat(from + "-wal"); err == nil && info.Size() > 0 {
				return fmt.Errorf("--from %s: a store in use or not closed cleanly (%s beside it holds changes not yet in the file): make a backup of it with greenhelp backup --data %s --out FILE, and restore that", from, filepath.Base(from)+"-wal", filepath.Dir(from))
			}
			if _, held, _ := store.Held(filepath.Dir(from)); held && filepath.Base(from) == store.DBFile {
				return fmt.Errorf("--from %s: the store of a data directory a greenhelp process holds: make a backup of it with greenhelp backup --data %s --out FILE, and restore that", from, filepath.Dir(from))
			}
			n, err := sqlite.CheckBackup(from)
			if err != nil {
				return err
			}
			cfg, err := loadCentral(cmd)
			if err != nil {
				return err
			}
			if err := notOnPostgres(cfg, "restore"); err != nil {
				return err
			}
			dir, _ := filepath.Abs(cfg.Data)
			dst := filepath.Join(dir, store.DBFile)
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			// The store is replaced only while no process has it: a central
			// serving it would go on writing into the file replaced.
			lock, err := store.LockDir(dir, store.Holder{Command: "restore"})
			if err != nil {
				return fmt.Errorf("%w: stop it, then restore", err)
			}
			defer lock.Close()
			if info, err := os.Stat(dst + "-wal"); err == nil && info.Size() > 0 && !force {
				// No process holds the lock: a central was killed, or one
				// of a greenhelp from before the lock still runs.
				return fmt.Errorf("store %s was not closed cleanly (%s holds changes not yet in %s): stop any greenhelp still using it; then --force replaces the store, those changes with it (back it up first: greenhelp backup --data %s --out …)", dir, filepath.Base(dst)+"-wal", store.DBFile, dir)
			}
			if _, err := os.Stat(dst); err == nil && !force {
				return fmt.Errorf("store %s exists: add --force to replace it with %s (back it up first: greenhelp backup --out …)", dir, from)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			tmp := dst + ".restore"
			if err := copyFile(from, tmp); err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			for _, side := range []string{"-wal", "-shm"} {
				if err := os.Remove(dst + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			if err := os.Rename(tmp, dst); err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %s into %s (%d site(s)): start greenhelp serve --data %s\n", from, dir, n, dir)
			return nil
		},
	}
	cmd.Flags().String("from", "", "the backup file (from greenhelp backup)")
	cmd.Flags().Bool("force", false, "replace an existing store")
	storeFlags(cmd)
	_ = cmd.Flags().MarkHidden("init")
	return cmd
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
