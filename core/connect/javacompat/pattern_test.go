package javacompat_test

import (
	"testing"

	"github.com/connectless/connectless/core/connect/javacompat"
)

func TestPatternQuote(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string
		at       int
		wantText string
		wantNext int
		wantOK   bool
	}{
		// java.text.SimpleDateFormat's Javadoc: "hh 'o''clock' a, zzzz" formats as
		// "12 o'clock PM, Pacific Daylight Time".
		{name: "javadoc o'clock", pattern: "hh 'o''clock' a, zzzz", at: 3, wantText: "o'clock", wantNext: 13, wantOK: true},
		// The same Javadoc: "yyyy.MM.dd G 'at' HH:mm:ss z".
		{name: "javadoc at", pattern: "yyyy.MM.dd G 'at' HH:mm:ss z", at: 13, wantText: "at", wantNext: 17, wantOK: true},
		{name: "two quotes are one", pattern: "''x", at: 0, wantText: "'", wantNext: 2, wantOK: true},
		{name: "second pair of four", pattern: "''''", at: 2, wantText: "'", wantNext: 4, wantOK: true},
		{name: "quote inside at the end", pattern: "'x'''", at: 0, wantText: "x'", wantNext: 5, wantOK: true},
		{name: "empty after doubled quote", pattern: "'''", at: 2, wantOK: false, wantNext: 3},
		{name: "unterminated", pattern: "'abc", at: 0, wantOK: false, wantNext: 4},
		{name: "lone quote", pattern: "'", at: 0, wantOK: false, wantNext: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, next, ok := javacompat.PatternQuote(tt.pattern, tt.at)
			if text != tt.wantText || next != tt.wantNext || ok != tt.wantOK {
				t.Errorf("PatternQuote(%q, %d) = %q, %d, %v; want %q, %d, %v",
					tt.pattern, tt.at, text, next, ok, tt.wantText, tt.wantNext, tt.wantOK)
			}
		})
	}
}
