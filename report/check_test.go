package report

import "testing"

func TestGitHubEscaping(t *testing.T) {
	if got := ghData("50% done\r\nnext"); got != "50%25 done%0D%0Anext" {
		t.Errorf("ghData: %q", got)
	}
	if got := ghProperty("a:b,c%"); got != "a%3Ab%2Cc%25" {
		t.Errorf("ghProperty: %q", got)
	}
}
