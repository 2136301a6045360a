//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

// fileSafetyRows are the bad-input rows for the files init writes (issue 8, items 2-4, 8-12
// and the .gitignore pipe of 15): which file holds the secret, whether git ignores it, where
// writes may go, and what a dry run may show.
func fileSafetyRows() []badInput {
	withGit := func(more func(t *testing.T, h *harness)) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			gitInit(t, h.dir)
			if more != nil {
				more(t, h)
			}
		}
	}
	linkedEnv := func(t *testing.T, h *harness) {
		h.write("config/dev.env", "A=1\n")
		h.write(".gitignore", "node_modules\n.env.local\n") // ignores the link, not the file
		if err := os.Symlink(filepath.Join("config", "dev.env"), filepath.Join(h.dir, ".env.local")); err != nil {
			t.Fatal(err)
		}
	}
	outside := func(h *harness) string { return filepath.Join(h.aux, "outside") }
	makeOutside := func(t *testing.T, h *harness) {
		if err := os.MkdirAll(outside(h), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(outside(h), "auth.config.ts"), []byte("export default { providers: [] };\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(outside(h), "gitignore"), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outsideUnchanged := func(t *testing.T, h *harness, r result) {
		want := map[string]string{"auth.config.ts": "export default { providers: [] };\n", "gitignore": "x\n"}
		des, _ := os.ReadDir(outside(h))
		if len(des) != len(want) {
			t.Errorf("the folder outside the project now holds %d entries", len(des))
		}
		for name, body := range want {
			if b, _ := os.ReadFile(filepath.Join(outside(h), name)); string(b) != body {
				t.Errorf("%s outside the project changed: %q", name, b)
			}
		}
	}
	ignored := func(t *testing.T, h *harness, path string) bool {
		cmd := exec.Command("git", "check-ignore", "-q", "--", path)
		cmd.Dir = h.dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+h.aux)
		return cmd.Run() == nil
	}
	const outsideFix = `replace the link with a regular file inside`
	return []badInput{
		// --- 3: a linked env file is judged on the file it leads to
		{name: "env file is a link to a file git does not ignore", prep: withGit(linkedEnv),
			code: 0, input: `git does not ignore \.env\.local \(a link to config/dev\.env\), which holds the secret key`, fix: `add /config/dev\.env to \.gitignore`,
			changed: []string{"config/dev.env", "convex", "convex/auth.config.ts"}, mutating: 1, secretFiles: []string{"config/dev.env"}},
		{name: "env file is a link to a file git does not ignore, --yes", prep: withGit(linkedEnv), args: with("--yes"),
			code: 0, input: `\.gitignore now ignores config/dev\.env`, fix: `Convex dev deployment`,
			changed: []string{"config/dev.env", ".gitignore", "convex", "convex/auth.config.ts"}, mutating: 1, secretFiles: []string{"config/dev.env"},
			check: func(t *testing.T, h *harness, r result) {
				for _, p := range []string{"config/dev.env", "config/dev.clerkconvex-tmp-1.env"} {
					if !ignored(t, h, p) {
						t.Errorf("git does not ignore %s:\n%s", p, h.read(".gitignore"))
					}
				}
			}},

		// --- 4: .gitignore lines escaped, and verified
		{name: "env file name with gitignore pattern characters", prep: withGit(nil), args: with("--yes", "--env-file", "env[1].local"),
			code: 0, input: `\.gitignore now ignores env\[1\]\.local`, fix: `Convex dev deployment`,
			changed: []string{"env[1].local", ".gitignore", "convex", "convex/auth.config.ts"}, mutating: 1, secretFiles: []string{"env[1].local"},
			check: func(t *testing.T, h *harness, r result) {
				h.write("env1.local", "x\n")
				if !ignored(t, h, "env[1].local") || ignored(t, h, "env1.local") {
					t.Errorf("the rule does not match exactly env[1].local:\n%s", h.read(".gitignore"))
				}
			}},
		{name: "env file name with a trailing space and a backslash", prep: withGit(nil), args: with("--yes", "--env-file", `dev\x.env `),
			code: 0, input: `\.gitignore now ignores dev\\x\.env `, fix: `Convex dev deployment`,
			changed: []string{`dev\x.env `, ".gitignore", "convex", "convex/auth.config.ts"}, mutating: 1, secretFiles: []string{`dev\x.env `},
			check: func(t *testing.T, h *harness, r result) {
				if !ignored(t, h, `dev\x.env `) {
					t.Errorf("git does not ignore the file:\n%q", h.read(".gitignore"))
				}
			}},

		// --- 8: temporary files an interrupted run left are removed
		{name: "temporary copies of the env file left by a crash", prep: func(t *testing.T, h *harness) {
			h.write(".env.clerkconvex-tmp-77.local", "CLERK_SECRET_KEY="+sk1+"\n")
			h.write("..env.local.tmp-88", "CLERK_SECRET_KEY="+sk1+"\n")
		},
			code: 0, input: `removed 2 temporary files an interrupted run left next to \.env\.local`, fix: `\.env\.local updated|\.env\.local created`,
			changed: append([]string{".env.clerkconvex-tmp-77.local", "..env.local.tmp-88"}, written...), mutating: 1},

		// --- 10: read-only files and owners
		{name: "env file read-only", prep: func(t *testing.T, h *harness) {
			h.write(".env.local", "A=1\n")
			if err := os.Chmod(filepath.Join(h.dir, ".env.local"), 0o400); err != nil {
				t.Fatal(err)
			}
		},
			code: 2, input: `\.env\.local is read-only \(mode 0400\)`, fix: `chmod u\+w \.env\.local\) and run init again, or pass --yes`},
		{name: "env file read-only, --yes: replaced, mode kept", args: with("--yes"), prep: func(t *testing.T, h *harness) {
			h.write(".env.local", "A=1\n")
			if err := os.Chmod(filepath.Join(h.dir, ".env.local"), 0o400); err != nil {
				t.Fatal(err)
			}
		},
			code: 0, input: `\.env\.local updated`, fix: `Convex dev deployment`, changed: written, mutating: 1,
			check: func(t *testing.T, h *harness, r result) {
				fi, err := os.Stat(filepath.Join(h.dir, ".env.local"))
				if err != nil || fi.Mode().Perm() != 0o400 || !strings.Contains(h.read(".env.local"), "A=1\n") {
					t.Errorf("mode %v, %v; want 0400 kept", fi.Mode(), err)
				}
			}},
		{name: "env file of another user keeps its owner", prep: func(t *testing.T, h *harness) {
			h.write(".env.local", "A=1\n")
			if err := os.Chown(filepath.Join(h.dir, ".env.local"), 65534, 65534); err != nil {
				t.Fatal(err) // the suite runs as root (.ci/run), as `sudo clerkconvex init` would
			}
		},
			code: 0, input: `\.env\.local updated`, fix: `Convex dev deployment`, changed: written, mutating: 1,
			check: func(t *testing.T, h *harness, r result) {
				fi, err := os.Stat(filepath.Join(h.dir, ".env.local"))
				if err != nil {
					t.Fatal(err)
				}
				if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 || st.Gid != 65534 {
					t.Errorf("owner now %d:%d, want 65534:65534", st.Uid, st.Gid)
				}
			}},

		// --- 11: no write outside the project
		{name: "auth.config.ts is a link leading outside the project", prep: func(t *testing.T, h *harness) {
			makeOutside(t, h)
			h.write("convex/keep", "")
			if err := os.Symlink(filepath.Join(outside(h), "auth.config.ts"), filepath.Join(h.dir, "convex", "auth.config.ts")); err != nil {
				t.Fatal(err)
			}
		},
			code: 2, input: `convex/auth\.config\.ts: .*the link leads outside the project folder`, fix: outsideFix, check: outsideUnchanged},
		{name: "convex/ is a link to a folder outside the project", prep: func(t *testing.T, h *harness) {
			makeOutside(t, h)
			if err := os.Symlink(outside(h), filepath.Join(h.dir, "convex")); err != nil {
				t.Fatal(err)
			}
		},
			code: 2, input: `convex/auth\.config\.ts: .*the link leads outside the project folder`, fix: outsideFix, check: outsideUnchanged},
		{name: "convex.json functions climbing out of the project", prep: func(t *testing.T, h *harness) {
			makeOutside(t, h)
			rel, err := filepath.Rel(h.dir, outside(h))
			if err != nil {
				t.Fatal(err)
			}
			h.write("convex.json", `{"functions": "`+filepath.ToSlash(rel)+`/"}`)
		},
			code: 2, input: `auth\.config\.ts: .*outside the project folder`, fix: outsideFix, check: outsideUnchanged},
		{name: ".gitignore is a link leading outside the project", args: with("--yes"), prep: withGit(func(t *testing.T, h *harness) {
			makeOutside(t, h)
			if err := os.Symlink(filepath.Join(outside(h), "gitignore"), filepath.Join(h.dir, ".gitignore")); err != nil {
				t.Fatal(err)
			}
		}),
			code: 2, input: `\.gitignore: init would write outside the project folder`, fix: outsideFix, check: outsideUnchanged},

		// --- 12: the secret goes only into an env file git does not track
		{name: "env file is package.json", prep: withGit(nil), args: with("--env-file", "package.json"), clerkCalls: noCalls,
			code: 2, input: `--env-file package\.json: it is package\.json, not an env file`, fix: `pass --env-file with the file your app reads its variables from, such as \.env\.local`},
		{name: "env file is a source file", args: with("--env-file", "src/config.ts"), clerkCalls: noCalls,
			code: 2, input: `--env-file src/config\.ts: it is a source file, not an env file`, fix: `such as \.env\.local`},
		{name: "env file holds JSON", files: viteProject + "-- settings.local --\n{\"a\": 1}\n", args: with("--env-file", "settings.local"), clerkCalls: noCalls,
			code: 2, input: `--env-file settings\.local: it holds JSON, not an env file`, fix: `such as \.env\.local`},
		{name: "env file tracked by git", clerkCalls: noCalls, prep: withGit(func(t *testing.T, h *harness) {
			h.write(".env.local", "A=1\n")
			cmd := exec.Command("git", "add", "-f", ".env.local")
			cmd.Dir = h.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git add: %v\n%s", err, out)
			}
		}),
			code: 2, input: `--env-file \.env\.local: git tracks \.env\.local, so the secret key would go into your next commit`, fix: `run git rm --cached \.env\.local and commit`},

		// --- 2: a dry run shows only values that are certainly not secret
		{name: "dry run with other secrets in the env file", args: with("--dry-run"), onStdout: true,
			files: viteProject + "-- .env.local --\n" +
				"DUP_TOKEN=firstsecretvalue1111\nDUP_TOKEN=secondsecretvalue222\n" +
				"MY-API.TOKEN=dashdotsecretvalue333\n" +
				"DATABASE_URL=postgres://admin:pgsecretpass444@db.example.com:5432/app?sslpassword=qsecret555\n" +
				"REDIS_URL=redis://:redissecretpass666@cache:6379\n" +
				"# OLD_KEY=commentedsecretvalue777\n" +
				"not an assignment but a secretline888\n",
			code: 0, input: `values in \.env\.local that may be secret are masked`, fix: `\+VITE_CLERK_PUBLISHABLE_KEY=pk_test_`,
			check: func(t *testing.T, h *harness, r result) {
				for _, s := range []string{"firstsecret", "secondsecret", "dashdotsecret", "pgsecretpass", "qsecret", "redissecretpass", "commentedsecret", "secretline"} {
					if strings.Contains(r.stdout, s) {
						t.Errorf("the dry run shows %s", s)
					}
				}
				if !strings.Contains(r.stdout, " REDIS_URL=redis://…@cache:6379\n") {
					t.Errorf("the URL is not shown without its password")
				}
			}},

		// --- 15: a named pipe at .gitignore
		{name: ".gitignore is a named pipe", prep: withGit(func(t *testing.T, h *harness) { mkfifo(t, filepath.Join(h.dir, ".gitignore")) }),
			code: 2, input: `--env-file \.env\.local: check whether \.env\.local is ignored: \.gitignore is not a regular file \(a named pipe\)`, fix: `replace it with a plain file`},

		// --- 8 in doctor: a temporary copy left next to the env file
		{name: "doctor: a temporary copy of the env file left by a crash", prep: func(t *testing.T, h *harness) {
			doctorProject(t, h)
			h.write(".env.clerkconvex-tmp-5.local", "CLERK_SECRET_KEY="+sk1+"\n")
		},
			args: []string{"doctor"}, onStdout: true, secretFiles: []string{".env.local", ".env.clerkconvex-tmp-5.local"},
			code: 1, input: `(?m)^  FAIL env\.temp_files +1 temporary copy of \.env\.local left by an interrupted write, which may hold the secret key: \.env\.clerkconvex-tmp-5\.local$`,
			fix: `(?m)^ +Fix: delete \.env\.clerkconvex-tmp-5\.local \(or run clerkconvex init, which removes them\)$`},
	}
}

// TestConcurrentEditIsNotLost (item 9): a line the user saves in the env file while init waits
// on Clerk is not overwritten: init stops before replacing the file, says why, and a rerun
// finishes the job keeping the line.
func TestConcurrentEditIsNotLost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, viteProject+"-- .env.local --\nA=1\n")
	// Clerk holds the template list a moment: the window in which the user saves the file.
	h.clerk.InjectFault(clerkapi.Fault{Method: "GET", PathPrefix: "/v1/jwt_templates", Delay: 3 * time.Second})
	ready := h.onClerkRequest("GET /v1/jwt_templates")
	args := initArgs()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stdout, stderr := h.command(ctx, args)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for !ready() {
		select {
		case err := <-done:
			t.Fatalf("init ended before Clerk was asked for the templates: %v\n%s%s", err, stdout, stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	h.write(".env.local", "A=1\nMINE=saved-while-init-ran\n")
	r := h.finish(args, <-done, stdout, stderr)
	if r.code != 1 || !strings.Contains(r.stderr, ".env.local changed while clerkconvex was running") || !strings.Contains(r.stderr, "run the command again") {
		t.Fatalf("want exit 1 saying .env.local changed and to run again\n%s", r)
	}
	if got := h.read(".env.local"); got != "A=1\nMINE=saved-while-init-ran\n" {
		t.Errorf(".env.local now %q: the saved line is lost or the file was replaced", got)
	}
	h.assertNoCanary(r)
	r = h.run(args...)
	if r.code != 0 || !strings.Contains(h.read(".env.local"), "MINE=saved-while-init-ran\n") || !strings.Contains(h.read(".env.local"), "CLERK_SECRET_KEY=") {
		t.Fatalf("the rerun did not finish keeping the line:\n%s\n%s", r, h.read(".env.local"))
	}
}
