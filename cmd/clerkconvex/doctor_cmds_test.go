package main

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/issuer"
)

// doctorCmds are the testscript commands of the doctor tests (fake issuer, tokens, ...).
func doctorCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"doctorfake":   cmdDoctorFake,
		"npx-env":      cmdNpxEnv,
		"envfile":      cmdEnvFile,
		"doctortoken":  cmdDoctorToken,
		"doctor-fails": cmdDoctorFails,
		"break-links":  cmdBreakLinks,
	}
}

// doctorfake [latency=D] [template=NAME] [claims=JSON] [no-template] [discovery-issuer=URL]
// [no-rs256] [no-project]: start a fake Clerk API whose two instances have fake issuers on
// 127.0.0.1, write the healthy Vite project init leaves behind, convex installed in its
// node_modules (unless no-project), make the
// folder a git repository with everything but .env.local staged, and set the dev deployment's
// CLERK_JWT_ISSUER_DOMAIN in the fake npx's store. Sets CLERK_API_URL, DISSUER, DKID (the
// signing key's kid), DSK (the secret key),
// DSK2 (the other instance's), DSKX (a key no instance has), DPK, DPK2, DPKLIVE (publishable
// keys: the instance's, the other's, a live one for the instance's host), and the production
// instance's DSKL, DPKL and issuer DLISSUER. The server is
// also "clerkfake", so clerk-calls works.
func cmdDoctorFake(ts *testscript.TestScript, neg bool, args []string) {
	var o doctortest.Options
	project := true
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "latency":
			d, err := time.ParseDuration(v)
			ts.Check(err)
			o.Latency = d
		case "template":
			o.TemplateName = v
		case "claims":
			o.TemplateClaims = v
		case "no-template":
			o.NoTemplate = true
		case "discovery-issuer":
			o.Issuer = issuer.Options{Issuer: v}
		case "no-rs256":
			o.Issuer.NoRS256Key = true
		case "no-project":
			project = false
		default:
			ts.Fatalf("doctorfake: unknown option %q", a)
		}
	}
	// The signing key goes to a file, so doctortoken can sign for this issuer.
	key := doctortest.SigningKey()
	o.Issuer.Key = key
	ts.Check(os.WriteFile(ts.MkAbs(doctorKeyFile), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	env, err := doctortest.Start(o)
	ts.Check(err)
	ts.Defer(env.Close)
	ts.Value("clerkfake").(*fakeHolder).s = env.Clerk
	ts.Setenv("CLERK_API_URL", env.Clerk.URL)
	ts.Setenv("DSK", doctortest.SecretKey)
	ts.Setenv("DSK2", doctortest.OtherSecretKey)
	ts.Setenv("DSKX", doctortest.UnknownSecretKey)
	ts.Setenv("DPK", env.PublishableKey())
	ts.Setenv("DPK2", env.OtherPublishableKey())
	ts.Setenv("DPKLIVE", env.LivePublishableKey())
	ts.Setenv("DSKL", doctortest.LiveSecretKey)
	ts.Setenv("DPKL", env.LiveInstancePublishableKey())
	ts.Setenv("DLISSUER", env.Live.URL)
	ts.Setenv("DISSUER", env.IssuerURL())
	ts.Setenv("DKID", env.Issuer.KeyID)
	dir := ts.MkAbs(".")
	if project {
		ts.Check(env.WriteProject(dir))
		ts.Check(doctortest.WriteInstalledConvex(dir))
		setNpxVar(ts, "dev", "CLERK_JWT_ISSUER_DOMAIN", env.IssuerURL())
	}
	ts.Check(doctortest.GitAdd(dir))
}

func setNpxVar(ts *testscript.TestScript, dep, name, value string) {
	path := ts.Getenv("FAKE_NPX_STORE")
	store := map[string]map[string]string{}
	if b, err := os.ReadFile(path); err == nil {
		ts.Check(json.Unmarshal(b, &store))
	}
	if store[dep] == nil {
		store[dep] = map[string]string{}
	}
	if value == "\x00" {
		delete(store[dep], name)
	} else {
		store[dep][name] = value
	}
	b, err := json.Marshal(store)
	ts.Check(err)
	ts.Check(os.WriteFile(path, b, 0o644))
}

// npx-env dev|prod|REF NAME [VALUE]: set a variable of a deployment (the default dev one,
// prod, or one named by --deployment REF) in the fake npx's store, or remove it when VALUE
// is left out.
func cmdNpxEnv(ts *testscript.TestScript, neg bool, args []string) {
	switch len(args) {
	case 2:
		setNpxVar(ts, args[0], args[1], "\x00")
	case 3:
		setNpxVar(ts, args[0], args[1], args[2])
	default:
		ts.Fatalf("usage: npx-env dev|prod|REF NAME [VALUE]")
	}
}

// envfile FILE NAME=VALUE|-NAME...: set or remove (with -NAME) lines of an env file, keeping
// the others; the file is created if missing.
func cmdEnvFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: envfile FILE NAME=VALUE|-NAME...")
	}
	path := ts.MkAbs(args[0])
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		ts.Fatalf("%v", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(b) == 0 {
		lines = nil
	}
	for _, a := range args[1:] {
		name, val, set := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		out := lines[:0:0]
		done := false
		for _, l := range lines {
			if strings.HasPrefix(l, name+"=") {
				if set && !done {
					out = append(out, name+"="+val)
					done = true
				}
				continue
			}
			out = append(out, l)
		}
		if set && !done {
			out = append(out, name+"="+val)
		}
		lines = out
	}
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	ts.Check(os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
}

// doctorKeyFile holds the doctorfake issuer's signing key.
const doctorKeyFile = ".doctorfake-key.pem"

// doctortoken good|expired|wrong-iss|wrong-aud|wrong-key|alg-none|not-jwt FILE: write a token
// for the doctorfake instance (aud "convex", valid a minute) or a broken variant of it.
func cmdDoctorToken(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: doctortoken KIND FILE")
	}
	b, err := os.ReadFile(ts.MkAbs(doctorKeyFile))
	if err != nil {
		ts.Fatalf("doctorfake has not been started: %v", err)
	}
	blk, _ := pem.Decode(b)
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	ts.Check(err)
	iss := issuer.NewUnstarted(issuer.Options{Key: key})
	iss.URL, iss.KeyID = ts.Getenv("DISSUER"), ts.Getenv("DKID")
	claims := iss.Claims("convex", time.Minute)
	var tok string
	switch args[0] {
	case "good":
		tok = iss.Sign(claims)
	case "expired":
		claims["iat"] = time.Now().Add(-2 * time.Hour).Unix()
		claims["nbf"] = claims["iat"]
		claims["exp"] = time.Now().Add(-time.Hour).Unix()
		tok = iss.Sign(claims)
	case "wrong-iss":
		claims["iss"] = "https://other-app-99.clerk.accounts.dev"
		tok = iss.Sign(claims)
	case "wrong-aud":
		claims["aud"] = "my-app"
		tok = iss.Sign(claims)
	case "wrong-key":
		tok = iss.SignWithOtherKey(claims)
	case "alg-none":
		payload, err := json.Marshal(claims)
		ts.Check(err)
		tok = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	case "not-jwt":
		tok = "session_2fakeSessionIdNotAToken"
	default:
		ts.Fatalf("doctortoken: unknown kind %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(tok+"\n"), 0o600))
}

// doctor-fails [ID...]: stdout is doctor's --json; exactly these checks failed (none when no
// ID is given), "version" is 1 and "ok" says whether any failed.
func cmdDoctorFails(ts *testscript.TestScript, neg bool, args []string) {
	var rep struct {
		Version int  `json:"version"`
		OK      bool `json:"ok"`
		Checks  []struct {
			ID, Section, Status, Message, Fix string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(ts.ReadFile("stdout")), &rep); err != nil {
		ts.Fatalf("stdout is not doctor's JSON: %v", err)
	}
	var failed []string
	for _, c := range rep.Checks {
		if c.Status == "fail" {
			failed = append(failed, c.ID)
			if c.Fix == "" {
				ts.Fatalf("%s failed without a fix", c.ID)
			}
		}
	}
	want := append([]string(nil), args...)
	sort.Strings(failed)
	sort.Strings(want)
	if len(failed) == 0 {
		failed = nil
	}
	if len(want) == 0 {
		want = nil
	}
	if !reflect.DeepEqual(failed, want) {
		ts.Fatalf("failed checks: %v, want %v", failed, want)
	}
	if rep.Version != 1 || rep.OK != (len(want) == 0) {
		ts.Fatalf("version %d ok %v with failures %v", rep.Version, rep.OK, failed)
	}
}
