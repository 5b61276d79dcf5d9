package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// setupCommands returns the commands of README.md's set-up section: the
// lines of its first code block.
func setupCommands(t *testing.T) (root string, cmds []string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Set-up on a fresh machine")
	if !ok {
		t.Fatal("README.md has no set-up section")
	}
	_, block, ok := strings.Cut(section, "```\n")
	if !ok {
		t.Fatal("README.md's set-up section has no code block")
	}
	block, _, _ = strings.Cut(block, "```")
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		cmds = append(cmds, strings.TrimSpace(line))
	}
	return root, cmds
}

// TestReadmeSetup follows README.md's quick start literally: the main job
// runs from the repository root as written, and the test command is the
// one CI runs.
func TestReadmeSetup(t *testing.T) {
	root, cmds := setupCommands(t)
	if len(cmds) != 2 {
		t.Fatalf("README.md's set-up gives %d commands, want 2 (the main job, the tests): %q", len(cmds), cmds)
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains("\n"+string(ci), "\n"+cmds[1]+"\n") {
		t.Errorf(".ci/run does not run README.md's test command %q", cmds[1])
	}
	if testing.Short() {
		t.Skip("the main job runs the demo for 20s")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	// The demo writes its chart into the directory it runs in; remove
	// those this test makes.
	var made []string
	for _, name := range []string{"gc.png"} {
		path := filepath.Join(root, name)
		if _, err := os.Stat(path); os.IsNotExist(err) {
			made = append(made, path)
		}
	}
	t.Cleanup(func() {
		for _, path := range made {
			os.Remove(path)
		}
	})
	args := strings.Fields(cmds[0])
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", cmds[0], err, stderr.String())
	}
	for _, want := range []string{"alloc-churn", "(*Dog).Run", "heap-doubling", "(*Mouse).Steal", "Chart: gc.png (dog, mouse)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("%s: output lacks %q:\n%s", cmds[0], want, stdout.String())
		}
	}
	for _, path := range made {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s did not write %s", cmds[0], path)
		}
	}
}
