package stacktest

import "testing"

func TestParseOK(t *testing.T) {
	if Parse("x") != 'x' {
		t.Fatal("wrong byte")
	}
	t.Log("parsed fine")
}

func TestParseEmpty(t *testing.T) {
	t.Log("about to parse an empty string")
	Parse("")
}
