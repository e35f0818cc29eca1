package devstack

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

// Credentials and database name of the throwaway SQL servers.
const (
	sqlUser     = "connectless"
	sqlPassword = "connectless"
	sqlDatabase = "connectless"
)

// postgresBinDirs are where Debian's postgresql packages put initdb and postgres.
var postgresBinDirs = []string{"/usr/lib/postgresql/*/bin"}

// Postgres is a throwaway PostgreSQL server in a temporary directory.
type Postgres struct {
	// DSN is "postgres://connectless:connectless@127.0.0.1:PORT/connectless?sslmode=disable";
	// the user is a superuser.
	DSN string
	// Port is the TCP port on 127.0.0.1.
	Port int

	relaunchable
}

// PostgresOptions tunes a throwaway PostgreSQL server.
type PostgresOptions struct {
	// Logical starts the server with wal_level=logical (and room for replication slots and
	// WAL senders), as logical decoding and change data capture need.
	Logical bool
}

// StartPostgres initialises a cluster in a temporary directory with initdb, starts postgres on
// a free port of 127.0.0.1, creates the database and waits until it answers a query. As root it
// runs the server as the postgres user (or nobody), since PostgreSQL refuses to run as root.
func StartPostgres(ctx context.Context) (*Postgres, error) {
	return StartPostgresWith(ctx, PostgresOptions{})
}

// StartPostgresWith is StartPostgres with options.
func StartPostgresWith(ctx context.Context, opts PostgresOptions) (*Postgres, error) {
	initdb, err := findSystemBinary("initdb", postgresBinDirs...)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	server := filepath.Join(filepath.Dir(initdb), "postgres")
	if !isExecutable(server) {
		if server, err = findSystemBinary("postgres", postgresBinDirs...); err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
	}
	dir, err := newServiceDir("postgres")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Postgres, error) {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cred, err := unprivilegedUser()
	if err != nil {
		return fail(err)
	}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(sqlPassword+"\n"), 0o600); err != nil {
		return fail(err)
	}
	if cred != nil {
		if err := chownTree(dir, cred); err != nil {
			return fail(err)
		}
	}
	data := filepath.Join(dir, "data")
	env := []string{"LC_ALL=C", "PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	initCmd := exec.CommandContext(ctx, initdb, "-D", data, "-U", sqlUser, "--pwfile", pwfile,
		"-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
	initCmd.Env = env
	initCmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := runStep(ctx, "postgres", dir, initCmd); err != nil {
		return fail(err)
	}
	cmdFor := func(port int) *exec.Cmd {
		cmd := exec.Command(server, "-D", data, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-k", dir,
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
		if opts.Logical {
			cmd.Args = append(cmd.Args, "-c", "wal_level=logical", "-c", "max_replication_slots=20",
				"-c", "max_wal_senders=20")
		}
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return cmd
	}
	adminDSN := func(port int) string {
		return fmt.Sprintf("postgres://%s:%s@%s/postgres?sslmode=disable", sqlUser, sqlPassword, hostPort(port))
	}
	checkFor := func(port int) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			conn, err := pgx.Connect(ctx, adminDSN(port))
			if err != nil {
				return err
			}
			defer conn.Close(context.Background())
			_, err = conn.Exec(ctx, "SELECT 1")
			return err
		}
	}
	// SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
	p, port, err := launch(ctx, "postgres", dir, syscall.SIGINT, cmdFor, checkFor)
	if err != nil {
		return fail(err)
	}
	if err := postgresCreateDB(ctx, adminDSN(port)); err != nil {
		_ = p.close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Postgres{
		DSN:          fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", sqlUser, sqlPassword, hostPort(port), sqlDatabase),
		Port:         port,
		relaunchable: relaunchable{proc: p, cmd: func() *exec.Cmd { return cmdFor(port) }, check: checkFor(port)},
	}, nil
}

// Restart is Stop (a fast shutdown: connected clients get SQLSTATE 57P01, admin_shutdown),
// a pause of down, then Start.
func (p *Postgres) Restart(ctx context.Context, down time.Duration) error {
	if err := p.Stop(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(down):
	}
	return p.Start(ctx)
}

func postgresCreateDB(ctx context.Context, admin string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+sqlDatabase); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return nil
}

// Close stops the server (fast shutdown) and removes its data. It is safe to call more than once.
func (p *Postgres) Close() error {
	if p == nil || p.proc == nil {
		return errors.New("postgres: not started")
	}
	return p.proc.close()
}

// unprivilegedUser returns the credential to run PostgreSQL with: nil when not root, else the
// postgres user, else nobody.
func unprivilegedUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("running as root and neither a postgres nor a nobody user exists")
}

// chownTree gives dir and everything in it to cred's user.
func chownTree(dir string, cred *syscall.Credential) error {
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(cred.Uid), int(cred.Gid))
	})
}

// MariaDB is a throwaway MariaDB server in a temporary directory.
type MariaDB struct {
	// DSN is "connectless:connectless@tcp(127.0.0.1:PORT)/connectless" for go-sql-driver/mysql;
	// the user has every privilege.
	DSN string
	// Port is the TCP port on 127.0.0.1.
	Port int

	relaunchable
}

// StartMariaDB creates a data directory with mariadb-install-db, starts mariadbd on a free port
// of 127.0.0.1, creates the user and the database and waits until it answers a query.
func StartMariaDB(ctx context.Context) (*MariaDB, error) {
	install, err := findSystemBinary("mariadb-install-db")
	if err != nil {
		return nil, fmt.Errorf("mariadb: %w", err)
	}
	server, err := findSystemBinary("mariadbd", "/usr/sbin")
	if err != nil {
		return nil, fmt.Errorf("mariadb: %w", err)
	}
	dir, err := newServiceDir("mariadb")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*MariaDB, error) {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("mariadb: %w", err)
	}
	data := filepath.Join(dir, "data")
	var asUser []string
	if os.Geteuid() == 0 {
		asUser = []string{"--user=root"}
	}
	// Each server gets its own tmpdir: bootstraps sharing /tmp trip over each other's
	// temporary tables.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fail(err)
	}
	installArgs := append([]string{"--no-defaults", "--datadir=" + data, "--tmpdir=" + tmp,
		"--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"}, asUser...)
	installCmd := exec.CommandContext(ctx, install, installArgs...)
	installCmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if err := runStep(ctx, "mariadb", dir, installCmd); err != nil {
		return fail(err)
	}
	socket := filepath.Join(dir, "mysqld.sock")
	cmdFor := func(port int) *exec.Cmd {
		args := append([]string{"--no-defaults", "--datadir=" + data,
			"--port=" + strconv.Itoa(port), "--bind-address=127.0.0.1", "--socket=" + socket,
			"--pid-file=" + filepath.Join(dir, "mysqld.pid"), "--tmpdir=" + tmp,
			"--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
			"--innodb-flush-log-at-trx-commit=0", "--performance-schema=OFF"}, asUser...)
		return exec.Command(server, args...)
	}
	rootCfg := mysql.NewConfig()
	rootCfg.User = "root"
	rootCfg.Net = "unix"
	rootCfg.Addr = socket
	checkFor := func(port int) func(ctx context.Context) error {
		tcpCfg := mysql.NewConfig()
		tcpCfg.User, tcpCfg.Passwd, tcpCfg.Net, tcpCfg.Addr = sqlUser, sqlPassword, "tcp", hostPort(port)
		return func(ctx context.Context) error {
			if err := mariadbSetup(ctx, rootCfg.FormatDSN()); err != nil {
				return err
			}
			return pingDSN(ctx, tcpCfg.FormatDSN()) // the socket answers even when the TCP port is taken
		}
	}
	p, port, err := launch(ctx, "mariadb", dir, syscall.SIGTERM, cmdFor, checkFor)
	if err != nil {
		return fail(err)
	}
	return &MariaDB{
		DSN:          fmt.Sprintf("%s:%s@tcp(%s)/%s", sqlUser, sqlPassword, hostPort(port), sqlDatabase),
		Port:         port,
		relaunchable: relaunchable{proc: p, cmd: func() *exec.Cmd { return cmdFor(port) }, check: checkFor(port)},
	}, nil
}

// mariadbSetup creates the database and the user over the root socket connection.
func mariadbSetup(ctx context.Context, rootDSN string) error {
	db, err := sql.Open("mysql", rootDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range []string{
		"CREATE DATABASE IF NOT EXISTS " + sqlDatabase,
		fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY '%s'", sqlUser, sqlPassword),
		fmt.Sprintf("GRANT ALL PRIVILEGES ON *.* TO '%s'@'%%' WITH GRANT OPTION", sqlUser),
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// pingDSN opens a MySQL connection and pings the server.
func pingDSN(ctx context.Context, dsn string) error {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// Close stops the server and removes its data. It is safe to call more than once.
func (m *MariaDB) Close() error {
	if m == nil || m.proc == nil {
		return errors.New("mariadb: not started")
	}
	return m.proc.close()
}
