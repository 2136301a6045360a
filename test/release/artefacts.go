//go:build release

// Package release checks what scripts/release-snapshot.sh built into dist/: the archives,
// checksums, Homebrew cask and npm packages, and that the npm packages install and run.
// Run it after the script: go test -tags release ./test/release [-dist dir].
package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// platform is one release target, named both ways.
type platform struct {
	goos, goarch  string // goreleaser's archive names
	npmOS, npmCPU string // npm's os/cpu fields and package names
}

func (p platform) npmName() string { return "@clerkconvex/" + p.npmOS + "-" + p.npmCPU }
func (p platform) exe() string {
	if p.goos == "windows" {
		return "clerkconvex.exe"
	}
	return "clerkconvex"
}

// platforms is what a release must ship, written out rather than read from dist/, so that a
// target dropped from .goreleaser.yaml fails here.
var platforms = []platform{
	{"darwin", "amd64", "darwin", "x64"},
	{"darwin", "arm64", "darwin", "arm64"},
	{"linux", "amd64", "linux", "x64"},
	{"linux", "arm64", "linux", "arm64"},
	{"windows", "amd64", "win32", "x64"},
	{"windows", "arm64", "win32", "arm64"},
}

// metadata is dist/metadata.json.
type metadata struct {
	ProjectName string `json:"project_name"`
	Version     string `json:"version"`
	Commit      string `json:"commit"`
	Date        string `json:"date"`
}

func readMetadata(t *testing.T, dist string) metadata {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatalf("%v: run scripts/release-snapshot.sh first", err)
	}
	var m metadata
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("dist/metadata.json: %v", err)
	}
	if m.Version == "" || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(m.Commit) {
		t.Fatalf("dist/metadata.json has no version or no commit (goreleaser found no git state?): %s", b)
	}
	return m
}

// archiveName is goreleaser's name_template in .goreleaser.yaml.
func archiveName(version string, p platform) string {
	ext := ".tar.gz"
	if p.goos == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("clerkconvex_%s_%s_%s%s", version, p.goos, p.goarch, ext)
}

// readArchive returns the regular files of a .tar.gz, .tgz or .zip by name, with their modes.
func readArchive(t *testing.T, path string) (map[string][]byte, map[string]os.FileMode) {
	t.Helper()
	files, modes := map[string][]byte{}, map[string]os.FileMode{}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(path) == ".zip" {
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatalf("%s: %s: %v", path, f.Name, err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %s: %v", path, f.Name, err)
			}
			files[f.Name], modes[f.Name] = b, f.Mode()
		}
		return files, modes
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %s: %v", path, h.Name, err)
		}
		files[h.Name], modes[h.Name] = b, os.FileMode(h.Mode).Perm()
	}
	return files, modes
}

// binaryPlatform reads an executable's header and names its platform as npm does
// (os: darwin, linux, win32; cpu: x64, arm64).
func binaryPlatform(b []byte) (osName, cpu string, err error) {
	r := bytes.NewReader(b)
	if f, err := elf.NewFile(r); err == nil {
		switch f.Machine {
		case elf.EM_X86_64:
			return "linux", "x64", nil
		case elf.EM_AARCH64:
			return "linux", "arm64", nil
		}
		return "linux", f.Machine.String(), nil
	}
	if f, err := macho.NewFile(r); err == nil {
		switch f.Cpu {
		case macho.CpuAmd64:
			return "darwin", "x64", nil
		case macho.CpuArm64:
			return "darwin", "arm64", nil
		}
		return "darwin", f.Cpu.String(), nil
	}
	if f, err := pe.NewFile(r); err == nil {
		switch f.Machine {
		case pe.IMAGE_FILE_MACHINE_AMD64:
			return "win32", "x64", nil
		case pe.IMAGE_FILE_MACHINE_ARM64:
			return "win32", "arm64", nil
		}
		return "win32", fmt.Sprintf("machine %#x", f.Machine), nil
	}
	return "", "", fmt.Errorf("neither ELF, Mach-O nor PE (starts %q)", b[:min(len(b), 8)])
}
