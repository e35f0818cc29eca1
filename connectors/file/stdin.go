package file

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// NewSourcePlugin returns FileStreamSource with standard input: a connector whose file is
// empty reads lines from stdin, as Kafka's FileStreamSource does, with no source partition
// or offset (nothing is committed; a restart reads on from where stdin is). All tasks of the
// plugin share stdin, across slices. `connectless standalone` registers it in place of
// SourcePlugin.
func NewSourcePlugin(stdin io.Reader) connect.Plugin {
	p := SourcePlugin
	lines := &lineSource{r: stdin}
	p.New = func() connect.Connector { return &SourceConnector{stdin: lines} }
	return p
}

// lineSource reads lines from a stream in the background, from the first poll on, so that a
// poll never blocks on the stream past its context.
type lineSource struct {
	r     io.Reader
	once  sync.Once
	lines chan string
}

func (s *lineSource) start() {
	s.lines = make(chan string, 1024)
	go func() {
		defer close(s.lines)
		br := bufio.NewReader(s.r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				s.lines <- strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			}
			if err != nil {
				return // io.EOF or a read error: nothing more will come
			}
		}
	}()
}

// poll returns up to max lines as records for topic, waiting up to idleWait for the first.
func (s *lineSource) poll(ctx context.Context, topic string, max int) ([]connect.SourceRecord, error) {
	s.once.Do(s.start)
	var out []connect.SourceRecord
	add := func(line string) {
		out = append(out, connect.SourceRecord{Record: connect.Record{Topic: topic, ValueSchema: connect.StringSchema(), Value: line}})
	}
	timer := time.NewTimer(idleWait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case line, ok := <-s.lines:
		if !ok {
			// stdin ended: idle from now on, as Kafka's task at the end of its input.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-timer.C:
				return nil, nil
			}
		}
		add(line)
	case <-timer.C:
		return nil, nil
	}
	for len(out) < max {
		select {
		case line, ok := <-s.lines:
			if !ok {
				return out, nil
			}
			add(line)
		default:
			return out, nil
		}
	}
	return out, nil
}
