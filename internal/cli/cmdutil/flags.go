package cmdutil

import "github.com/spf13/pflag"

// ProjectFlags are the inputs init and doctor share: where the project is, the Clerk keys and
// API, the template and the deployment.
type ProjectFlags struct {
	Dir            string
	SecretKey      string
	PublishableKey string
	EnvFile        string
	ClerkAPIURL    string
	TemplateName   string
	Prod           bool
}

// Register declares the shared flags; envFileUsage and prodUsage say what the command does
// with the env file and with --prod.
func (p *ProjectFlags) Register(fl *pflag.FlagSet, envFileUsage, prodUsage string) {
	fl.StringVarP(&p.Dir, "dir", "C", ".", "project `folder` (where package.json is)")
	fl.StringVar(&p.SecretKey, "secret-key", "", "Clerk secret `key` (default: $CLERK_SECRET_KEY, then the env file)")
	fl.StringVar(&p.PublishableKey, "publishable-key", "", "Clerk publishable `key` (default: the framework's variable in the environment, then in the env file)")
	fl.StringVar(&p.EnvFile, "env-file", ".env.local", envFileUsage)
	fl.StringVar(&p.ClerkAPIURL, "clerk-api-url", "", "Clerk Backend API `URL` (default: $CLERK_API_URL or https://api.clerk.com)")
	fl.StringVar(&p.TemplateName, "template-name", "convex", "`name` of the Clerk JWT template")
	fl.BoolVar(&p.Prod, "prod", false, prodUsage)
}
