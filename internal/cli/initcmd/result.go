package initcmd

import (
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/users"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
)

// Result is init's --json output (version 1). It never holds the secret key.
type Result struct {
	Version int `json:"version"`
	// OK is false when a step failed after the others were done (npx convex env set).
	OK       bool           `json:"ok"`
	DryRun   bool           `json:"dry_run"`
	Project  ResultProject  `json:"project"`
	Instance string         `json:"instance"` // test or live
	Issuer   string         `json:"issuer"`
	Template ResultTemplate `json:"template"`
	Files    []ResultFile   `json:"files"`
	Convex   ResultConvex   `json:"convex"`
	Warnings []string       `json:"warnings"`
	// LiveKeys says where the production keys go (--prod with live keys, no --env-file).
	LiveKeys *ResultLiveKeys `json:"live_keys,omitempty"`
	// Defaults are the project defaults set per deployment type (--defaults).
	Defaults []ResultDefaults `json:"defaults,omitempty"`
	// Install is the packages the client wiring needs (absent when none is missing).
	Install *ResultInstall `json:"install,omitempty"`
	// Users is `users init`'s result, with --sync-users (or a yes at the prompt).
	Users *users.InitResult `json:"users,omitempty"`
}

type ResultProject struct {
	Dir       string `json:"dir"`
	Framework string `json:"framework"`
	// ConvexDir is the package folder holding the Convex functions (Dir outside a workspace).
	ConvexDir string `json:"convex_dir"`
	// WorkspaceRoot is the workspace's root folder; "" outside a workspace.
	WorkspaceRoot string `json:"workspace_root,omitempty"`
}

type ResultTemplate struct {
	Name          string   `json:"name"`
	ID            string   `json:"id,omitempty"`
	Action        string   `json:"action"` // created, updated, unchanged
	ApplicationID string   `json:"application_id"`
	Changes       []string `json:"changes"`
}

type ResultFile struct {
	Path   string `json:"path"`
	Action string `json:"action"` // created, updated, unchanged, manual
	Note   string `json:"note,omitempty"`
}

type ResultConvex struct {
	Variable   string `json:"variable"`
	Value      string `json:"value"`
	Deployment string `json:"deployment"` // dev, prod or --deployment's ref, as asked
	// DeploymentName is the deployment the Convex CLI says it changed (empty when it does not say).
	DeploymentName string `json:"deployment_name,omitempty"`
	Action         string `json:"action"` // set, skipped, failed, planned
	// Via is how the variable was (or would be) set: "npx" (npx convex env set) or "api" (the
	// Deployment Platform API, with the key from the environment).
	Via     string `json:"via,omitempty"`
	Command string `json:"command"`
	Error   string `json:"error,omitempty"`
}

func (p *plan) result(dry bool) *Result {
	r := &Result{
		Version:  1,
		OK:       true,
		DryRun:   dry,
		Project:  p.resultProject(),
		Instance: p.secret.Kind(),
		Issuer:   p.issuer,
		Template: ResultTemplate{Name: p.tmplName, ID: p.tmpl.ID, Action: string(p.tmpl.Action), ApplicationID: p.appID, Changes: nonNil(p.tmpl.Changes)},
		Warnings: nonNil(p.warnings),
	}
	for _, f := range p.files() {
		rf := ResultFile{Path: f.Rel, Action: f.Action()}
		if f == p.authFile && len(p.manual) > 0 {
			rf.Action = "manual"
			if f.Action() == "updated" {
				rf.Action = "updated"
			}
			rf.Note = "add the provider(s) by hand: " + strings.Join(p.manual, "; ")
		}
		if f == p.envFile && p.chmod != 0 {
			rf.Note = fmt.Sprintf("mode %04o → %04o", p.chmodWas, p.chmod)
		}
		r.Files = append(r.Files, rf)
	}
	p.wiringResult(r, dry)
	if p.gitignore != "" {
		r.Files = append(r.Files, ResultFile{Path: ".gitignore", Action: "updated", Note: "added " + strings.Join(gitx.IgnorePatterns(p.gitignore), " and ")})
	}
	r.Files = append(r.Files, p.liveKeysFile()...)
	r.LiveKeys = p.resultLiveKeys()
	r.Defaults = p.resultDefaults(map[bool]string{true: "planned", false: "skipped"}[dry])
	r.Convex = ResultConvex{Variable: p.issuerVar, Value: p.issuerValue, Deployment: p.target().String(), Command: convex.ManualCommand(p.issuerVar, p.issuerValue, p.target())}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (p *plan) resultProject() ResultProject {
	r := ResultProject{Dir: p.dir, Framework: p.proj.Framework.ID, ConvexDir: p.convexDir()}
	if p.layout.Workspace {
		r.WorkspaceRoot = p.layout.Root
	}
	return r
}
