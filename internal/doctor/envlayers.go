package doctor

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/dotenv"
)

// envLayer is one env file the app's dev server loads.
type envLayer struct {
	rel  string // relative to the app's folder
	file *dotenv.File
}

// appEnvFiles are the env files the app's dev server loads, the one that wins first
// (project.Framework.DevEnvFiles, in a Vite app's envDir), when the env file is one of them and
// --env-file did not name it; else only the env file. Read once, after env.file.
func (s *state) appEnvFiles() []envLayer {
	s.layersOnce.Do(func() {
		own := envLayer{s.in.EnvFile, s.env}
		envDir := path.Clean("./" + s.in.EnvDir) // "." for the app's folder
		if s.proj == nil || s.in.EnvFileExplicit || path.Dir(s.in.EnvFile) != envDir ||
			!slices.Contains(s.proj.Framework.DevEnvFiles, path.Base(s.in.EnvFile)) {
			s.layers = []envLayer{own}
			return
		}
		for _, name := range s.proj.Framework.DevEnvFiles {
			rel := path.Join(envDir, name)
			if rel == s.in.EnvFile {
				s.layers = append(s.layers, own)
				continue
			}
			// A file that cannot be read (a pipe, no permission) is left out: env.file judges
			// only the env file.
			if data, exists, err := readProjectFile(s.in.Dir, rel); err == nil && exists {
				s.layers = append(s.layers, envLayer{rel, dotenv.Parse(data)})
			}
		}
	})
	return s.layers
}

// appEnvValue is name's value as the app's dev server sees it in its env files: from the first
// of appEnvFiles that sets it, and which file that is.
func (s *state) appEnvValue(name string) (value, rel string, ok bool) {
	for _, l := range s.appEnvFiles() {
		if l.file == nil {
			continue
		}
		if v, set := l.file.Get(name); set && strings.TrimSpace(v) != "" {
			return v, l.rel, true
		}
	}
	return "", "", false
}

// fromEnvFile says where a value read by appEnvValue comes from: "NAME in FILE", and when FILE
// is not the env file while the env file has another value, that FILE wins over it.
func (s *state) fromEnvFile(name, rel, value string) string {
	from := name + " in " + rel
	if rel == s.in.EnvFile {
		return from
	}
	if v, ok := s.fileValue(name); ok && strings.TrimSpace(v) != strings.TrimSpace(value) {
		return from + fmt.Sprintf(" (the app's dev server reads it over %s's)", s.in.EnvFile)
	}
	return from
}

// keysInOtherEnvFile tells whether, without the env file, another env file the app loads holds
// both Clerk keys (under the names the app reads), and names the one with the secret key.
func (s *state) keysInOtherEnvFile() (string, bool) {
	if s.proj == nil {
		return "", false
	}
	_, rel, ok := s.appEnvValue(s.secretVar())
	if !ok {
		return "", false
	}
	for _, name := range s.proj.Framework.KeyLookup {
		if _, _, found := s.appEnvValue(name); found {
			return rel, true
		}
	}
	return "", false
}
