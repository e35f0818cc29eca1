package postgrescdc

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/jackc/pglogrepl"
)

// Schema names of logical decoding message events, as Debezium's.
const (
	messageKeyName   = "io.debezium.connector.postgresql.MessageKey"
	messageValueName = "io.debezium.connector.postgresql.MessageValue"
	messageBlockName = "io.debezium.connector.postgresql.Message"
	opMessage        = "m"
	// messagesMinVersion is the first server version whose pgoutput sends logical decoding
	// messages (the messages option).
	messagesMinVersion = 140000
)

var messageKeySchema = connect.StructBuilder().Name(messageKeyName).Version(1).Field("prefix", connect.OptionalStringSchema()).Build()

// messageValueSchema is the value schema of message events; its content is, by
// binary.handling.mode: bytes, or a base64, base64-url-safe or hex string.
func messageValueSchema(binary string) *connect.Schema {
	content := connect.OptionalStringSchema()
	if binary == BinaryBytes {
		content = &connect.Schema{Type: connect.TypeBytes, Optional: true}
	}
	block := connect.StructBuilder().Name(messageBlockName).Version(1).
		Field("prefix", connect.OptionalStringSchema()).Field("content", content).Build()
	return connect.StructBuilder().Name(messageValueName).Version(1).
		Field("op", connect.StringSchema()).
		Field("ts_ms", connect.OptionalInt64Schema()).
		Field("ts_us", connect.OptionalInt64Schema()).
		Field("ts_ns", connect.OptionalInt64Schema()).
		Field("source", sourceSchema).
		Field("message", block).
		Build()
}

// messageContent encodes a message's content by binary.handling.mode.
func messageContent(binary string, b []byte) any {
	switch binary {
	case BinaryBase64:
		return base64.StdEncoding.EncodeToString(b)
	case BinaryBase64URLSafe:
		return base64.URLEncoding.EncodeToString(b)
	case BinaryHex:
		return hex.EncodeToString(b)
	}
	return bytes.Clone(b) // the decoder's buffer is reused
}

// message emits the event of a logical decoding message (pg_logical_emit_message) on
// <prefix>.message. A transactional one belongs to the transaction being read; a
// non-transactional one comes outside any: its source has no txId, and its time is when the
// connector read it.
func (t *Task) message(m *pglogrepl.LogicalDecodingMessage, lsn uint64) {
	l := int64(uint64(m.LSN))
	src := sourceInfo{ts: time.Now(), lsn: &l}
	var p position
	wanted := t.cfg.messageWanted(m.Prefix)
	if t.inTxn {
		if !wanted || (t.resumed && lsn <= t.skipTo) {
			return // filtered out, or emitted before the transaction was cut short
		}
		if m.Transactional {
			xid := int64(t.xid)
			src.ts, src.txID = t.commitTime, &xid
		}
		p = t.txPosition(lsn)
	} else {
		// Decoding skips a non-transactional message that starts before the position it
		// resumes from: past its LSN, it is not read again.
		end := max(t.lastComplete, uint64(m.LSN))
		t.lastComplete = end
		p = position{commit: end, proc: end, epoch: t.cfg.epoch, windows: t.windowsAt(end)}
		t.resume = p
		if !wanted {
			return
		}
	}
	s := t.rb.source(src, "", "")
	now := t.rb.now()
	v := connect.NewStruct(t.msgSchema).MustPut("op", opMessage).
		MustPut("ts_ms", now.UnixMilli()).MustPut("ts_us", now.UnixMicro()).MustPut("ts_ns", now.UnixNano()).
		MustPut("source", s).
		MustPut("message", connect.NewStruct(t.msgBlock).MustPut("prefix", m.Prefix).
			MustPut("content", messageContent(t.cfg.binary, m.Content)))
	t.out = append(t.out, connect.SourceRecord{
		Record: connect.Record{Topic: t.cfg.prefix + ".message", KeySchema: messageKeySchema,
			Key: connect.NewStruct(messageKeySchema).MustPut("prefix", m.Prefix), ValueSchema: t.msgSchema, Value: v},
		SourcePartition: t.rb.partition, SourceOffset: p.offset(),
	})
}
