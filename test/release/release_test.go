//go:build release

package release

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var distFlag = flag.String("dist", "../../dist", "goreleaser's dist folder (scripts/release-snapshot.sh)")

func dist(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs(*distFlag)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestArchives: all six archives exist, each holding the binary for its platform (by its
// header), LICENSE and README.md.
func TestArchives(t *testing.T) {
	d := dist(t)
	m := readMetadata(t, d)
	for _, p := range platforms {
		name := archiveName(m.Version, p)
		files, modes := readArchive(t, filepath.Join(d, name))
		bin, ok := files[p.exe()]
		if !ok {
			t.Errorf("%s: no %s in it (has %v)", name, p.exe(), keys(files))
			continue
		}
		if p.goos != "windows" && modes[p.exe()]&0o111 == 0 {
			t.Errorf("%s: %s is not executable (mode %v)", name, p.exe(), modes[p.exe()])
		}
		if os, cpu, err := binaryPlatform(bin); err != nil || os != p.npmOS || cpu != p.npmCPU {
			t.Errorf("%s: %s is a %s/%s binary (%v), want %s/%s", name, p.exe(), os, cpu, err, p.npmOS, p.npmCPU)
		}
		for _, f := range []string{"LICENSE", "README.md"} {
			if _, ok := files[f]; !ok {
				t.Errorf("%s: no %s in it", name, f)
			}
		}
	}
}

// TestChecksums: checksums.txt lists every archive, and every sum matches its file.
func TestChecksums(t *testing.T) {
	d := dist(t)
	m := readMetadata(t, d)
	f, err := os.Open(filepath.Join(d, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Errorf("checksums.txt: line %q is not \"<sha256>  <file>\"", sc.Text())
			continue
		}
		listed[name] = true
		b, err := os.ReadFile(filepath.Join(d, name))
		if err != nil {
			t.Errorf("checksums.txt lists %s: %v", name, err)
			continue
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("checksums.txt: %s has sha256 %x, the file says %s", name, got, sum)
		}
	}
	for _, p := range platforms {
		if name := archiveName(m.Version, p); !listed[name] {
			t.Errorf("checksums.txt does not list %s", name)
		}
	}
}

// TestLinuxBinaryVersion runs the linux/amd64 binary taken from its archive: --version names
// the snapshot version, the commit and the build date.
func TestLinuxBinaryVersion(t *testing.T) {
	d := dist(t)
	m := readMetadata(t, d)
	p := platforms[slices.IndexFunc(platforms, func(p platform) bool { return p.goos == "linux" && p.goarch == "amd64" })]
	files, _ := readArchive(t, filepath.Join(d, archiveName(m.Version, p)))
	bin := filepath.Join(t.TempDir(), "clerkconvex")
	if err := os.WriteFile(bin, files["clerkconvex"], 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("clerkconvex --version: %v\n%s", err, out)
	}
	got := regexp.MustCompile(`^clerkconvex (\S+) \(commit ([0-9a-f]{12}), built (\S+)\)\n$`).FindStringSubmatch(string(out))
	if got == nil {
		t.Fatalf("clerkconvex --version printed %q, want \"clerkconvex <version> (commit <12 hex>, built <date>)\"", out)
	}
	if got[1] != m.Version || got[2] != m.Commit[:12] {
		t.Errorf("clerkconvex --version says %s commit %s, the snapshot is %s commit %s", got[1], got[2], m.Version, m.Commit[:12])
	}
	built, err1 := time.Parse(time.RFC3339, got[3])
	want, err2 := time.Parse(time.RFC3339Nano, m.Date)
	if err1 != nil || err2 != nil || !built.Equal(want.Truncate(time.Second)) {
		t.Errorf("clerkconvex --version says built %s, the snapshot's date is %s", got[3], m.Date)
	}
}

// TestHomebrewCask: goreleaser wrote the cask, for this version, pointing at the darwin and
// linux archives with their checksums.
func TestHomebrewCask(t *testing.T) {
	d := dist(t)
	m := readMetadata(t, d)
	b, err := os.ReadFile(filepath.Join(d, "homebrew", "Casks", "clerkconvex.rb"))
	if err != nil {
		t.Fatalf("%v (the homebrew_casks section of .goreleaser.yaml)", err)
	}
	cask := string(b)
	for _, want := range []string{`cask "clerkconvex" do`, `version "` + m.Version + `"`, `binary "clerkconvex"`} {
		if !strings.Contains(cask, want) {
			t.Errorf("the cask has no %q:\n%s", want, cask)
		}
	}
	sums := checksums(t, d)
	for _, p := range platforms {
		if p.goos == "windows" {
			continue
		}
		name := archiveName(m.Version, p)
		// The cask interpolates the version into the URL.
		url := "/" + strings.ReplaceAll(name, m.Version, "#{version}")
		i := strings.Index(cask, url)
		if i < 0 {
			t.Errorf("the cask does not download %s", name)
			continue
		}
		if !strings.Contains(cask[i:min(len(cask), i+len(url)+200)], `sha256 "`+sums[name]+`"`) {
			t.Errorf("the cask's sha256 for %s is not %s", name, sums[name])
		}
	}
}

// TestNpmPackages: one package per platform whose os/cpu match its binary's header, at the
// release version; the launcher lists exactly those as optional dependencies at that version,
// and has no install script and no dependencies.
func TestNpmPackages(t *testing.T) {
	d := dist(t)
	m := readMetadata(t, d)
	var want []string
	for _, p := range platforms {
		want = append(want, p.npmName())
		tgz := filepath.Join(d, "npm", "clerkconvex-"+p.npmOS+"-"+p.npmCPU+"-"+m.Version+".tgz")
		files, modes := readArchive(t, tgz)
		var pj struct {
			Name    string   `json:"name"`
			Version string   `json:"version"`
			OS      []string `json:"os"`
			CPU     []string `json:"cpu"`
		}
		if err := json.Unmarshal(files["package/package.json"], &pj); err != nil {
			t.Errorf("%s: package.json: %v", tgz, err)
			continue
		}
		if pj.Name != p.npmName() || pj.Version != m.Version {
			t.Errorf("%s: package %s@%s, want %s@%s", tgz, pj.Name, pj.Version, p.npmName(), m.Version)
		}
		binName := "package/bin/" + p.exe()
		bin, ok := files[binName]
		if !ok {
			t.Errorf("%s: no %s in it (has %v)", tgz, binName, keys(files))
			continue
		}
		if modes[binName]&0o111 == 0 {
			t.Errorf("%s: %s is not executable (mode %v)", tgz, binName, modes[binName])
		}
		binOS, binCPU, err := binaryPlatform(bin)
		if err != nil {
			t.Errorf("%s: %s: %v", tgz, binName, err)
			continue
		}
		if !slices.Equal(pj.OS, []string{binOS}) || !slices.Equal(pj.CPU, []string{binCPU}) {
			t.Errorf("%s: package.json says os %v cpu %v, the binary is %s/%s", tgz, pj.OS, pj.CPU, binOS, binCPU)
		}
	}

	tgz := filepath.Join(d, "npm", "clerkconvex-"+m.Version+".tgz")
	files, modes := readArchive(t, tgz)
	var pj struct {
		Name                 string            `json:"name"`
		Version              string            `json:"version"`
		Bin                  map[string]string `json:"bin"`
		Scripts              map[string]string `json:"scripts"`
		Dependencies         map[string]string `json:"dependencies"`
		OptionalDependencies map[string]string `json:"optionalDependencies"`
	}
	if err := json.Unmarshal(files["package/package.json"], &pj); err != nil {
		t.Fatalf("%s: package.json: %v", tgz, err)
	}
	if pj.Name != "clerkconvex" || pj.Version != m.Version {
		t.Errorf("%s: package %s@%s, want clerkconvex@%s", tgz, pj.Name, pj.Version, m.Version)
	}
	if bin := "package/" + pj.Bin["clerkconvex"]; files[bin] == nil || modes[bin]&0o111 == 0 {
		t.Errorf("%s: bin clerkconvex -> %q is missing or not executable", tgz, pj.Bin["clerkconvex"])
	}
	for _, s := range []string{"preinstall", "install", "postinstall"} {
		if pj.Scripts[s] != "" {
			t.Errorf("%s: has a %s script %q: nothing may run or download at install", tgz, s, pj.Scripts[s])
		}
	}
	if len(pj.Dependencies) != 0 {
		t.Errorf("%s: has dependencies %v", tgz, pj.Dependencies)
	}
	got := keys(pj.OptionalDependencies)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: optionalDependencies %v, want %v", tgz, got, want)
	}
	for name, v := range pj.OptionalDependencies {
		if v != m.Version {
			t.Errorf("%s: optional dependency %s@%s, want exactly %s (lock-step)", tgz, name, v, m.Version)
		}
	}
}

func checksums(t *testing.T, d string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([0-9a-f]{64})  (\S+)$`).FindAllStringSubmatch(string(b), -1) {
		out[m[2]] = m[1]
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
