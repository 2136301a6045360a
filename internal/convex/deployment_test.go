package convex

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// Every env call passes the deployment's options after its own arguments, as the CLI's
// `convex env` declares them (lib/command.js addDeploymentSelectionOptions).
func TestDeploymentReachesEveryCall(t *testing.T) {
	for _, tt := range []struct {
		dep  Deployment
		want []string
	}{
		{Deployment{}, nil},
		{Deployment{Prod: true}, []string{"--prod"}},
		{Deployment{Ref: "dev/james"}, []string{"--deployment", "dev/james"}},
		{Deployment{Ref: "my-app:staging"}, []string{"--deployment", "my-app:staging"}},
	} {
		ctx := context.Background()
		r := &fakeRunner{}
		SetEnv(ctx, r, ".", "A", "b", tt.dep)
		GetEnv(ctx, r, ".", "A", tt.dep)
		SetEnvStdin(ctx, r, ".", "A", "secret", tt.dep)
		ListEnv(ctx, r, ".", tt.dep)
		wantHeads := [][]string{{"convex", "env", "set", "A", "b"}, {"convex", "env", "get", "A"}, {"convex", "env", "set", "A"}, {"convex", "env", "list", "--include-values"}}
		if len(r.calls) != len(wantHeads) {
			t.Fatalf("%v: %d calls, want %d", tt.dep, len(r.calls), len(wantHeads))
		}
		for i, c := range r.calls {
			want := append(append([]string{}, wantHeads[i]...), tt.want...)
			if !reflect.DeepEqual(c.Args, want) {
				t.Errorf("%v: call %d args %q, want %q", tt.dep, i, c.Args, want)
			}
		}
		m := ManualCommand("A", "b", tt.dep)
		if wantM := strings.TrimSpace("npx convex env set A b " + strings.Join(tt.want, " ")); m != wantM {
			t.Errorf("%v: ManualCommand = %q, want %q", tt.dep, m, wantM)
		}
	}
}

func TestDeploymentNames(t *testing.T) {
	for dep, want := range map[Deployment][2]string{
		{}:                 {"dev", ""},
		{Prod: true}:       {"prod", " --prod"},
		{Ref: "dev/james"}: {"dev/james", " --deployment dev/james"},
		{Ref: "local"}:     {"local", " --deployment local"},
	} {
		if dep.String() != want[0] || dep.Flag() != want[1] {
			t.Errorf("%+v: String %q Flag %q, want %q", dep, dep.String(), dep.Flag(), want)
		}
	}
}

// The CLI's parser takes any string; only what cannot be a deployment, or would be read as
// an option, is refused here.
func TestCheckDeploymentRef(t *testing.T) {
	for ref, ok := range map[string]bool{
		"joyful-capybara-123": true, "dev/james": true, "staging": true, "dev": true, "prod": true,
		"local": true, "my-app:staging": true, "team:my-app:dev/james": true,
		"": false, "-x": false, "--prod": false, "a b": false, "a\x1b[31m": false, "a\nb": false,
	} {
		err := CheckDeploymentRef(ref)
		if (err == nil) != ok {
			t.Errorf("CheckDeploymentRef(%q) = %v, want ok=%v", ref, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), ref) && ref != "" {
			t.Errorf("CheckDeploymentRef(%q) = %v: echoes the value (pflag's error shows it, quoted)", ref, err)
		}
	}
}
