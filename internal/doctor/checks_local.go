package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// --- project ---

func checkPackageJSON(ctx context.Context, s *state) outcome {
	p, err := project.Load(s.in.Dir)
	if errors.Is(err, project.ErrNoPackageJSON) {
		return fail("run clerkconvex doctor in your app's folder (where package.json is), or pass -C <folder>",
			"no package.json in %s", s.in.Dir)
	}
	if fe := readFailure(s.in.Dir, "package.json", err); fe != nil {
		return fail(fe.fix, "%v", fe)
	}
	if err != nil {
		return fail("fix package.json: it must be a JSON object", "%v", err)
	}
	s.proj = p
	name := ""
	if p.Name != "" {
		name = fmt.Sprintf(" %q", p.Name)
	}
	return pass("package.json: %s app%s", p.Framework.Name, name)
}

func checkConvexDependency(ctx context.Context, s *state) outcome {
	v, ok := s.proj.ConvexVersion()
	if !ok {
		if v, where, found := s.workspaceConvex(); found {
			// pnpm links each package's dependencies into its own node_modules: a sibling's
			// convex is not resolvable from the app (the root's is, from node_modules above).
			if !strings.HasPrefix(where, s.rootPackageJSON()) && project.PackageManager(s.in.Dir) == "pnpm" {
				return warn(project.AddCommand(s.in.Dir, "convex")+" (in this app's folder)",
					"convex %s is declared in %s, not by this app: pnpm does not hoist it, so the app's imports of convex/react may not resolve", v, where)
			}
			return pass("convex %s declared in %s (a package of the workspace)", v, where)
		}
		return fail(project.InFolder(s.in.Dir, project.AddCommand(s.in.Dir, "convex")), "package.json does not depend on convex")
	}
	return pass("depends on convex %s", v)
}

// isClerkPackage tells whether name is a Clerk package that exports useAuth and ClerkProvider.
func isClerkPackage(name string) bool { return slices.Contains(project.AllClerkPackages(), name) }

func checkClerkPackage(ctx context.Context, s *state) outcome {
	p := s.proj
	fw := p.Framework
	if pkg, ok := p.ClerkPackage(); ok {
		return pass("depends on %s %s (the Clerk package for %s)", pkg, p.Deps[pkg], fw.Name)
	}
	var others []string
	for _, n := range project.AllClerkPackages() {
		if p.Has(n) {
			others = append(others, n)
		}
	}
	want := fw.ClerkPackages[0]
	if len(others) > 0 {
		return fail(project.InFolder(p.Dir, project.AddCommand(p.Dir, want))+" and import ClerkProvider and useAuth from it",
			"package.json depends on %s, which is not the Clerk package for %s (%s)", strings.Join(others, ", "), fw.Name, want)
	}
	return fail(project.InFolder(p.Dir, project.AddCommand(p.Dir, want)), "package.json depends on no Clerk package (for %s: %s)", fw.Name, strings.Join(fw.ClerkPackages, " or "))
}

// brokenConvex is the release whose ConvexProviderWithClerk ignored the JWT template.
const brokenConvex = "1.33.0"

func checkConvexVersion(ctx context.Context, s *state) outcome {
	declared, ok := s.proj.ConvexVersion()
	if !ok {
		declared, _, _ = s.workspaceConvex()
	}
	fix := project.AddCommand(s.in.Dir, "convex@latest") + " (1.33.1 or later)"
	installed, _ := project.InstalledVersion(s.in.Dir, "convex")
	if installed == brokenConvex {
		return warn(fix, "convex %s is installed: its ConvexProviderWithClerk ignores the JWT template %q, so Convex gets a token without aud %q", brokenConvex, s.in.TemplateName, "convex")
	}
	if installed == "" && strings.TrimPrefix(strings.TrimSpace(declared), "=") == brokenConvex {
		return warn(fix, "package.json pins convex %s: its ConvexProviderWithClerk ignores the JWT template %q", brokenConvex, s.in.TemplateName)
	}
	if installed != "" {
		return pass("convex %s installed", installed)
	}
	// Declared but not installed: the app cannot build or run, and which version npx would
	// fetch is unknown — a warning, with the command that installs it.
	return warn(project.InstallCommand(s.in.Dir), "convex %s is in package.json but not installed yet (no node_modules/convex)", declared)
}

func checkFunctionsDir(ctx context.Context, s *state) outcome {
	dir, exists, err := convex.FunctionsDir(s.convexDir())
	if fe := readFailure(s.convexDir(), "convex.json", err); fe != nil {
		return fail(fe.fix, "%v", fe)
	}
	if err != nil {
		return fail("fix convex.json's \"functions\", or create that folder", "%v", err)
	}
	rel := relTo(s.in.Dir, dir) + "/"
	if !exists {
		return fail("run npx convex dev once"+s.inConvexDir()+": it creates convex/ and your dev deployment",
			"no Convex functions folder: %s does not exist", rel)
	}
	s.funcDir = dir
	if stray := s.strayAuthConfig(); stray != "" {
		return warn("delete "+stray+" (and the app's convex/ folder if nothing else is in it); edit "+relTo(s.in.Dir, dir)+"/auth.config instead",
			"functions folder %s%s; %s is never deployed: Convex reads only the functions package's auth.config", rel, s.convexPackageNote(), stray)
	}
	return pass("functions folder %s%s", rel, s.convexPackageNote())
}

// --- env ---

func checkEnvFile(ctx context.Context, s *state) outcome {
	data, exists, err := readProjectFile(s.in.Dir, s.in.EnvFile)
	if err != nil {
		return fail(err.fix, "%v", err)
	}
	if !exists {
		if s.keysFromEnvironment() {
			// A CI run: the keys are in the environment and no env file was written.
			return warn(fmt.Sprintf("for local development, run clerkconvex init to write %s (or pass --env-file with the file your app reads)", s.in.EnvFile),
				"the keys come from the environment; the app reads %s, which is missing — fine in CI, needed for local dev", s.in.EnvFile)
		}
		if rel, ok := s.keysInOtherEnvFile(); ok {
			// .env holds the keys and the app reads it (an Expo app before npx convex dev).
			return warn(fmt.Sprintf("none needed by the app; to have doctor check that file's contents too (git ignores it, …), pass --env-file %s", rel),
				"%s does not exist; the app's dev server reads the Clerk keys from %s", s.in.EnvFile, rel)
		}
		return fail("run clerkconvex init to write it, or pass --env-file with the file your app reads",
			"%s does not exist, and the environment does not hold both Clerk keys", s.in.EnvFile)
	}
	s.env = dotenv.Parse(data)
	if bad := s.env.Malformed(); len(bad) > 0 {
		return warn("write each line as NAME=value (or a # comment)", "%s: %s not NAME=value", s.in.EnvFile, dotenv.LinesAre(bad))
	}
	if mode, open := openToOthers(filepath.Join(s.in.Dir, s.in.EnvFile)); open {
		if v, _ := s.env.Get(clerk.SecretKeyEnv); strings.TrimSpace(v) != "" {
			return warn(fmt.Sprintf("chmod 600 %s (clerkconvex init --yes does it too)", s.in.EnvFile),
				"%s holds the Clerk secret key and other users can read it (mode %04o)", s.in.EnvFile, mode)
		}
	}
	return pass("%s found (%d variables)", s.in.EnvFile, len(s.env.Keys()))
}

// keysFromEnvironment tells whether both Clerk keys are given without the env file: by a
// flag or the process environment, where checkSecretKey and checkPublishableKey look first.
// Without package.json's framework, any publishable key variable counts.
func (s *state) keysFromEnvironment() bool {
	set := func(name string) bool { return strings.TrimSpace(s.in.Getenv(name)) != "" }
	if s.in.SecretKey == "" && !set(clerk.SecretKeyEnv) && !set(s.secretVar()) {
		return false
	}
	if s.in.PublishableKey != "" {
		return true
	}
	if s.proj != nil {
		return slices.ContainsFunc(s.proj.Framework.KeyLookup, set)
	}
	for _, name := range project.Unknown.PublishableKeyVars() {
		if set(name) {
			return true
		}
	}
	return false
}

func (s *state) fileValue(name string) (string, bool) {
	if s.env == nil {
		return "", false
	}
	v, ok := s.env.Get(name)
	return v, ok && strings.TrimSpace(v) != ""
}

func checkPublishableKey(ctx context.Context, s *state) outcome {
	fw := s.proj.Framework
	want := fw.PublishableKeyVar
	var raw, from, foundAs string
	switch {
	case s.in.PublishableKey != "":
		raw, from = s.in.PublishableKey, "--publishable-key"
	default:
		// As the app sees it: its Clerk package's lookup order, and for each name the
		// environment over the env file (Next.js and Vite both).
		for _, name := range fw.KeyLookup {
			if v := s.in.Getenv(name); strings.TrimSpace(v) != "" {
				raw, from = v, "$"+name
				break
			}
			// The env files as the app's dev server reads them: one that wins over the env
			// file (.env.development.local) counts, and so does .env when the env file lacks it.
			if v, rel, ok := s.appEnvValue(name); ok {
				raw, from = v, s.fromEnvFile(name, rel, v)
				break
			}
		}
		if raw != "" {
			break
		}
		for _, name := range fw.PublishableKeyVars()[len(fw.KeyLookup):] {
			if _, ok := s.fileValue(name); ok {
				foundAs = name
				break
			}
		}
	}
	if foundAs != "" {
		return fail(fmt.Sprintf("rename %s to %s in %s", foundAs, want, s.in.EnvFile),
			"%s has the publishable key as %s, but %s reads %s", s.in.EnvFile, foundAs, fw.Name, want)
	}
	if raw == "" {
		return fail(fmt.Sprintf("add %s=pk_test_… to %s (Clerk dashboard → API keys), or run clerkconvex init", want, s.in.EnvFile),
			"no Clerk publishable key: %s is not in %s or the environment", want, s.in.EnvFile)
	}
	pk, err := clerk.ParsePublishableKey(strings.TrimSpace(raw))
	if err != nil {
		return fail("copy the publishable key again from the Clerk dashboard (API keys)", "%s: %v", from, err)
	}
	s.pub, s.pubFrom = pk, from
	s.prefetchIssuer(pk.Issuer())
	return pass("%s: %s instance %s", from, pk.Kind(), pk.Host)
}

func checkSecretKey(ctx context.Context, s *state) outcome {
	var raw, from string
	fileVar := s.secretVar()
	switch {
	case s.in.SecretKey != "":
		raw, from = s.in.SecretKey, "--secret-key"
	case strings.TrimSpace(s.in.Getenv(clerk.SecretKeyEnv)) != "":
		raw, from = s.in.Getenv(clerk.SecretKeyEnv), "$"+clerk.SecretKeyEnv
	case fileVar != clerk.SecretKeyEnv && strings.TrimSpace(s.in.Getenv(fileVar)) != "":
		raw, from = s.in.Getenv(fileVar), "$"+fileVar
	default:
		if v, rel, ok := s.appEnvValue(fileVar); ok {
			raw, from = v, s.fromEnvFile(fileVar, rel, v)
		} else if _, ok := s.fileValue(clerk.SecretKeyEnv); ok && fileVar != clerk.SecretKeyEnv {
			return fail(fmt.Sprintf("rename %s to %s in %s", clerk.SecretKeyEnv, fileVar, s.in.EnvFile),
				"%s has the secret key as %s, but %s's server reads %s", s.in.EnvFile, clerk.SecretKeyEnv, s.proj.Framework.Name, fileVar)
		}
	}
	if raw == "" {
		return fail(fmt.Sprintf("add %s=sk_test_… to %s (Clerk dashboard → API keys), or pass --secret-key", fileVar, s.in.EnvFile),
			"no Clerk secret key: %s is not in %s or the environment", fileVar, s.in.EnvFile)
	}
	k, err := clerk.ParseSecretKey(raw)
	if err != nil {
		return fail("copy the secret key again from the Clerk dashboard (API keys)", "%s: %v", from, err)
	}
	s.secret, s.secretFrom = k, from
	s.startClerk(k)
	msg := fmt.Sprintf("%s: %s (%s instance)", from, k, k.Kind())
	// The env file may hold another key than the one in use: env.secret_tracked looks for
	// both, and the message says which one the live checks use.
	if fv, ok := s.fileValue(fileVar); ok && strings.TrimSpace(fv) != k.Reveal() {
		s.fileSecret = strings.TrimSpace(fv)
		if !strings.HasPrefix(from, "$") && from != "--secret-key" {
			// Another of the app's env files wins over the env file's key (fromEnvFile said so).
			return pass("%s", msg)
		}
		msg += fmt.Sprintf("; %s in %s is another key (%s): the checks below use the one from %s, your app may use the file's",
			fileVar, s.in.EnvFile, clerk.Mask(s.fileSecret), from)
	}
	return pass("%s", msg)
}

func checkKeyKinds(ctx context.Context, s *state) outcome {
	if s.pub.Live != s.secret.Live {
		return fail("copy both keys from the same Clerk instance (dashboard → API keys)",
			"the keys come from two instances: the publishable key is a %s key, the secret key a %s key", s.pub.Kind(), s.secret.Kind())
	}
	if s.in.Prod && !s.secret.Live {
		return warn("for production, use the pk_live_/sk_live_ keys of your production Clerk instance: its issuer (https://clerk.<your-domain>) belongs on the prod deployment",
			"--prod with test keys: the production deployment would trust your development Clerk instance %s", s.pub.Host)
	}
	return pass("both keys are %s keys", s.secret.Kind())
}

func checkGitignored(ctx context.Context, s *state) outcome {
	if s.env == nil {
		return skip("%s does not exist", s.in.EnvFile)
	}
	if _, ok := s.fileValue(s.secretVar()); !ok {
		return pass("%s holds no secret key", s.in.EnvFile)
	}
	// Judged on the file that holds the secret: the env file, or the file it links to.
	target, shown := s.envTarget()
	// git applies .gitignore only to untracked files: a tracked env file (committed, or
	// added with git add -f) stays tracked whatever .gitignore says.
	if tracked, inRepo, err := gitx.IsTracked(ctx, s.in.Dir, target); err == nil && inRepo && tracked {
		return fail(fmt.Sprintf("git rm --cached %s (the file stays on disk; .gitignore rules do not apply to tracked files), keep %s in .gitignore, and if it was ever committed roll the secret key in the Clerk dashboard (API keys)", target, gitx.EscapePattern(target)),
			"%s is tracked by git (committed or added with git add -f), and it holds the secret key", shown)
	}
	ignored, inRepo, err := gitx.IsIgnored(ctx, s.in.Dir, target)
	switch {
	case err != nil:
		return warn("check by hand with: git check-ignore -v "+target, "%v", err)
	case !inRepo:
		return skip("not in a git repository")
	case !ignored:
		return fail(fmt.Sprintf("add %s to .gitignore (and git rm --cached %s if it is committed)", gitx.EscapePattern(target), target),
			"git does not ignore %s, which holds the secret key", shown)
	}
	return pass("git ignores %s", shown)
}

func checkSecretTracked(ctx context.Context, s *state) outcome {
	needles := []string{s.secret.Reveal()}
	if s.fileSecret != "" {
		needles = append(needles, s.fileSecret)
	}
	res, err := gitx.SearchTracked(ctx, s.in.Dir, needles)
	if errors.Is(err, context.DeadlineExceeded) {
		return warn("rerun with a longer --timeout, or search your tracked files for the key by hand (git grep -l sk_)",
			"could not finish scanning tracked files in %s", s.in.Timeout)
	}
	if err != nil {
		return warn("search your tracked files for the key by hand (git grep -l sk_)", "%v", err)
	}
	if !res.InRepo {
		return skip("not in a git repository")
	}
	note := ""
	if n := len(res.TooLarge); n > 0 {
		note = fmt.Sprintf(" (%d tracked %s larger than %d MB not searched: %s)",
			n, Plural(n, "file", "files"), gitx.MaxSearchFileSize>>20, listSome(res.TooLarge, 5))
	}
	var found []string
	if files := res.Found[0]; len(files) > 0 {
		found = append(found, fmt.Sprintf("the secret key %s is in files tracked by git: %s", s.secret, strings.Join(files, ", ")))
	}
	if len(needles) > 1 && len(res.Found[1]) > 0 {
		found = append(found, fmt.Sprintf("%s's other secret key %s is in files tracked by git: %s",
			s.in.EnvFile, clerk.Mask(s.fileSecret), strings.Join(res.Found[1], ", ")))
	}
	if len(found) > 0 {
		return fail("remove the key from those files, then roll it in the Clerk dashboard (API keys): it stays in git history",
			"%s%s", strings.Join(found, "; "), note)
	}
	if len(needles) > 1 {
		return pass("no file tracked by git contains the secret key or %s's other one%s", s.in.EnvFile, note)
	}
	return pass("no file tracked by git contains the secret key%s", note)
}

// Plural returns one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listSome joins the first limit items, and says how many more there are.
func listSome(items []string, limit int) string {
	if len(items) <= limit {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:limit], ", "), len(items)-limit)
}

// --- helpers ---

// fileError is a project file doctor could not read, and how to fix that.
type fileError struct {
	rel string
	err error
	fix string
}

func (e *fileError) Error() string { return fmt.Sprintf("reading %s: %v", e.rel, e.err) }
func (e *fileError) Unwrap() error { return e.err }

// readProjectFile reads rel (slashes, relative to dir) from the user's project through
// fsutil.ReadFileIfExists, which refuses named pipes and devices (a read from them would
// block forever). A missing file is exists == false, not an error.
func readProjectFile(dir, rel string) (data []byte, exists bool, ferr *fileError) {
	data, exists, err := fsutil.ReadFileIfExists(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		if fe := readFailure(dir, rel, err); fe != nil {
			return nil, false, fe
		}
		return nil, false, &fileError{rel: rel, err: err, fix: chmodFix(rel)}
	}
	return data, exists, nil
}

// readFailure describes err, when it is (or wraps) fsutil.ReadFileIfExists's failure to read
// rel in dir, with how to fix that; it is nil for any other error (bad JSON, say).
func readFailure(dir, rel string, err error) *fileError {
	var notRegular *fsutil.NotRegularError
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &notRegular):
		return &fileError{rel: rel, err: fmt.Errorf("it is not a regular file (%s)", notRegular.Kind),
			fix: "replace " + rel + " with a plain file (doctor does not read pipes or devices)"}
	case errors.Is(err, fsutil.ErrIsDir):
		return &fileError{rel: rel, err: errors.New("it is a folder, not a file"),
			fix: "move the folder " + rel + " away and put a plain file there"}
	case errors.As(err, &pathErr) && pathErr.Path == filepath.Join(dir, filepath.FromSlash(rel)):
		return &fileError{rel: rel, err: pathErr.Err, fix: chmodFix(rel)}
	}
	return nil
}

func chmodFix(rel string) string { return "make " + rel + " readable by you (chmod 600 " + rel + ")" }

func relTo(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, ",\n}", " }")), " ")
}

// openToOthers tells whether a file's mode lets the group or others read or write it (never on
// Windows, whose modes do not say).
func openToOthers(path string) (os.FileMode, bool) {
	if runtime.GOOS == "windows" {
		return 0, false
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return st.Mode().Perm(), st.Mode().Perm()&0o077 != 0
}
