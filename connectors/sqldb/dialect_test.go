package sqldb

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		raw, user, password string
		kind                dialectKind
		wantUser, wantPass  string
		wantAddr, wantDB    string
	}{
		{"postgres://u:pw1x@db:5433/shop?sslmode=disable", "", "", postgres, "u", "pw1x", "db:5433", "shop"},
		{"jdbc:postgresql://db:5433/shop", "conn", "secret", postgres, "conn", "secret", "db:5433", "shop"},
		{"jdbc:postgresql://db/shop?user=q&password=pw2x", "", "", postgres, "q", "pw2x", "db:5432", "shop"},
		{"jdbc:postgresql://db/shop?user=q&password=pw2x", "over", "ride", postgres, "over", "ride", "db:5432", "shop"},
		{"jdbc:mysql://db:3307/shop", "conn", "secret", mysqlKind, "conn", "secret", "db:3307", "shop"},
		{"jdbc:mariadb://db/shop?user=q&password=pw2x", "", "", mysqlKind, "q", "pw2x", "db:3306", "shop"},
		{"u:pw1x@tcp(127.0.0.1:3306)/shop", "", "", mysqlKind, "u", "pw1x", "127.0.0.1:3306", "shop"},
		{"u:pw1x@tcp(127.0.0.1:3306)/shop", "conn", "", mysqlKind, "conn", "pw1x", "127.0.0.1:3306", "shop"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			info, err := parseURL(tc.raw, tc.user, tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if info.d.kind != tc.kind {
				t.Fatalf("dialect %v, want %v", info.d, dialect{tc.kind})
			}
			var user, pass, addr, db string
			if info.pg != nil {
				user, pass, db = info.pg.User, info.pg.Password, info.pg.Database
				addr = hostPortString(info.pg.Host, int(info.pg.Port))
			} else {
				user, pass, addr, db = info.my.User, info.my.Passwd, info.my.Addr, info.my.DBName
			}
			if user != tc.wantUser || pass != tc.wantPass || addr != tc.wantAddr || db != tc.wantDB {
				t.Errorf("got %s:%s@%s/%s, want %s:%s@%s/%s", user, pass, addr, db, tc.wantUser, tc.wantPass, tc.wantAddr, tc.wantDB)
			}
			if strings.Contains(info.redacted, tc.wantPass) {
				t.Errorf("redacted form %q shows the password", info.redacted)
			}
		})
	}
}

func TestParseURLRejects(t *testing.T) {
	for _, raw := range []string{
		"", "jdbc:oracle:thin:@db:1521:orcl", "sqlserver://db/shop", "jdbc:postgresql://db:5432/", "jdbc:mysql://db:3306",
		"user:secret@tcp(db:3306/shop",
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := parseURL(raw, "", "")
			if !errors.Is(err, ErrURL) {
				t.Fatalf("err = %v, want ErrURL", err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestSourceConfigCrossChecks(t *testing.T) {
	base := map[string]string{ConnectionURLConfig: "jdbc:postgresql://db/x", TopicPrefixConfig: "p-"}
	cases := []struct {
		name string
		kv   map[string]string
		key  string // "" means valid
	}{
		{"incrementing", map[string]string{ModeConfig: ModeIncrementing, IncrementingColumnConfig: "id"}, ""},
		{"incrementing without column", map[string]string{ModeConfig: ModeIncrementing}, IncrementingColumnConfig},
		{"timestamp without column", map[string]string{ModeConfig: ModeTimestampIncrementing, IncrementingColumnConfig: "id"}, TimestampColumnConfig},
		{"white and black lists", map[string]string{ModeConfig: ModeBulk, TableWhitelistConfig: "a", TableExcludeListConfig: "b"}, TableWhitelistConfig},
		{"query and tables", map[string]string{ModeConfig: ModeBulk, QueryConfig: "SELECT 1", TableIncludeListConfig: "a"}, QueryConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for k, v := range base {
				props[k] = v
			}
			for k, v := range tc.kv {
				props[k] = v
			}
			_, err := parseSourceConfig(props)
			var ke *keyError
			switch {
			case tc.key == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tc.key != "" && (!errors.As(err, &ke) || ke.key != tc.key || !errors.Is(err, ErrConfig)):
				t.Fatalf("err = %v, want a config error about %s", err, tc.key)
			}
		})
	}
}
