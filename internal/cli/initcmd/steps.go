package initcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// planStep is one step of init's planning, in the manner of goreleaser's pipes: it reads what
// the steps before it left in the state, decides its part of the plan (asking the user when it
// may), and changes nothing outside the process. Steps run in the order of planSteps.
type planStep interface {
	String() string
	Plan(ctx context.Context, s *planState) error
}

// planSteps lists init's planning steps in order. A new step (users sync, client wiring) is
// one more entry here.
func planSteps() []planStep {
	return []planStep{
		projectStep{},        // the project folder, package.json, --claims, the env file's text
		envTargetStep{},      // the file the secret goes to: an env file, not tracked
		secretKeyStep{},      // the secret key (on a terminal, checked at Clerk at once)
		publishableKeyStep{}, // the publishable key, of the same instance
		instanceStep{},       // the Clerk instance: its issuer, and that both keys belong to it
		providersStep{},      // auth.config's providers: Clerk's, then any others
		templateStep{},       // the JWT template
		envFileStep{},        // the keys and issuer in the env file
		gitignoreStep{},      // the env file kept out of git
		authConfigStep{},     // convex/auth.config.ts
		wiringStep{},         // the client wiring, when doctor's check of it fails
		targetsStep{},        // every file to write: inside the project, plain, writable
		defaultsStep{},       // the project defaults to set too (--defaults, or asked)
	}
}

// planState is what the steps share while planning: the options, the plan they fill in, and
// what one step found that a later one needs.
type planState struct {
	opts      *Options
	io        *iostreams.IOStreams
	canPrompt bool
	p         *plan

	extra map[string]any // --claims

	// git holds git's answers on the env file: envTargetStep asks (and reads whether it is
	// tracked), gitignoreStep reads whether it is ignored.
	git *gitChecks

	// The env file as it is (projectStep).
	env       *dotenv.File
	envRel    string
	envAbs    string
	envOld    []byte
	envExists bool
	// envTarget is the file the secret is written to, relative to the project's real path:
	// envRel, or where the link envRel leads (envTargetStep).
	envTarget string

	// Where the keys came from, for messages (the key steps).
	secretFrom string
	pubFrom    string

	// The Clerk client's key, and the template listing it started (clerkClient).
	clientKey    string
	templateList chan templateList
	listed       *templateList

	// audChosen: the user already chose between auth.config's applicationID and the
	// template's aud, so the template's update is not asked again.
	audChosen bool

	// The Convex side (providersStep).
	authPath   string
	authAbs    string // authPath with links followed, checked to be inside the workspace
	authTS     bool
	authExists bool
	authOld    []byte
	parsed     []convex.ParsedProvider
	// clerkIdx is the Clerk provider's index in parsed (-1: none); stale are the providers of
	// another Clerk instance, replaced (replaceStale) after asking.
	clerkIdx     int
	stale        []int
	replaceStale bool
}

// envValue is the env file's value of name, if it has one.
func (s *planState) envValue(name string) (string, bool) {
	if s.env == nil {
		return "", false
	}
	v, ok := s.env.Get(name)
	return v, ok && strings.TrimSpace(v) != ""
}

// redo asks the step runner to go back to an earlier step and run again from there (a key that
// Clerk rejected is asked again by keysStep). The step that returns it has already said why.
type redo struct{ step string }

func (r *redo) Error() string { return "redo from step " + r.step }

// runSteps runs the steps in order. A step that returns a redo sends the run back to the named
// step; at most maxRedo times, so that a step cannot loop forever.
func runSteps(ctx context.Context, s *planState, steps []planStep) error {
	const maxRedo = 20
	redos := 0
	for i := 0; i < len(steps); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := steps[i].Plan(ctx, s)
		var r *redo
		if !errors.As(err, &r) {
			if err != nil {
				return err
			}
			continue
		}
		j := indexOfStep(steps[:i+1], r.step)
		if j < 0 {
			return fmt.Errorf("internal error: step %s asked to redo unknown step %q", steps[i], r.step)
		}
		if redos++; redos > maxRedo {
			return fmt.Errorf("gave up after %d attempts at the %s step", maxRedo, r.step)
		}
		i = j - 1
	}
	return nil
}

func indexOfStep(steps []planStep, name string) int {
	for i, st := range steps {
		if st.String() == name {
			return i
		}
	}
	return -1
}
