package postgrescdc

import (
	"fmt"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestIntegrationConformance(t *testing.T) {
	e := newPgEnv(t, "conf")
	e.exec(t, "CREATE TABLE conf.t (id INT PRIMARY KEY, name TEXT NOT NULL)")
	connecttest.Run(t, connecttest.Suite{
		Plugin: Plugin,
		Config: e.props("conf"),
		PrepareSource: func(t testing.TB, n int) {
			e.exec(t, fmt.Sprintf("INSERT INTO conf.t SELECT g, 'row ' || g FROM generate_series(1, %d) g ON CONFLICT DO NOTHING", n))
		},
		Timeout: 15 * time.Second,
	})
}
