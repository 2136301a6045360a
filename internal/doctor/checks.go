package doctor

// checks lists every check in print order. A check may wait only on earlier ones.
func (s *state) checks() []check {
	cs := []check{
		{id: "project.package_json", section: SectionProject, run: checkPackageJSON},
		{id: "project.convex_dependency", section: SectionProject, needs: []string{"project.package_json"}, run: checkConvexDependency},
		{id: "project.clerk_package", section: SectionProject, needs: []string{"project.package_json"}, run: checkClerkPackage},
		{id: "project.convex_version", section: SectionProject, needs: []string{"project.convex_dependency"}, run: checkConvexVersion},
		{id: "project.functions_dir", section: SectionProject, run: checkFunctionsDir},

		{id: "env.file", section: SectionEnv, after: []string{"project.package_json"}, run: checkEnvFile},
		{id: "env.publishable_key", section: SectionEnv, needs: []string{"project.package_json"}, after: []string{"env.file"}, run: checkPublishableKey},
		{id: "env.secret_key", section: SectionEnv, after: []string{"env.file"}, run: checkSecretKey},
		{id: "env.key_kinds", section: SectionEnv, needs: []string{"env.publishable_key", "env.secret_key"}, run: checkKeyKinds},
		{id: "env.gitignored", section: SectionEnv, needs: []string{"env.file"}, run: checkGitignored},
		{id: "env.temp_files", section: SectionEnv, run: checkEnvTemps},
		{id: "env.secret_tracked", section: SectionEnv, needs: []string{"env.secret_key"}, run: checkSecretTracked},

		{id: "authconfig.exists", section: SectionAuthConfig, needs: []string{"project.functions_dir"}, run: checkAuthConfigExists},
		{id: "authconfig.provider", section: SectionAuthConfig, needs: []string{"authconfig.exists"}, after: []string{"env.file", "env.publishable_key"}, run: checkAuthProvider},
		{id: "authconfig.application_id", section: SectionAuthConfig, needs: []string{"authconfig.provider"}, run: checkApplicationID},
		{id: "authconfig.other_instance", section: SectionAuthConfig, needs: []string{"authconfig.exists", "env.publishable_key"}, after: []string{"authconfig.provider", "env.file"}, run: checkOtherInstance},

		{id: "client.provider_wiring", section: SectionClient, needs: []string{"project.package_json"}, run: checkProviderWiring},
		{id: "client.publishable_key", section: SectionClient, needs: []string{"env.publishable_key"}, after: []string{"client.provider_wiring"}, run: checkPublishableKeyLiterals},

		{id: "clerk.secret_key", section: SectionClerk, live: true, needs: []string{"env.secret_key"}, run: checkClerkSecretKey},
		{id: "clerk.same_instance", section: SectionClerk, live: true, needs: []string{"clerk.secret_key", "env.publishable_key"}, run: checkSameInstance},
		{id: "clerk.template", section: SectionClerk, live: true, needs: []string{"clerk.secret_key"}, run: checkTemplate},
		{id: "clerk.template_aud", section: SectionClerk, live: true, needs: []string{"clerk.template", "authconfig.application_id"}, run: checkTemplateAud},

		{id: "issuer.discovery", section: SectionIssuer, live: true, needs: []string{"clerk.secret_key"}, run: checkDiscovery},
		{id: "issuer.jwks", section: SectionIssuer, live: true, needs: []string{"issuer.discovery"}, run: checkJWKS},

		{id: "convex.env_var", section: SectionConvex, live: true, needs: []string{"authconfig.provider", "clerk.secret_key"}, run: checkConvexEnvVar},
		{id: "convex.auth_env", section: SectionConvex, live: true, needs: []string{"authconfig.exists"}, after: []string{"authconfig.provider", "authconfig.application_id", "env.publishable_key", "convex.env_var"}, run: checkAuthEnv},
		{id: "convex.env_matches_file", section: SectionConvex, live: true, needs: []string{"convex.env_var", "env.file"}, run: checkConvexEnvMatchesFile},
	}
	cs = insertChecks(cs, "client.publishable_key", s.nextChecks()...)
	if s.defaultsListed() {
		cs = append(cs, check{id: "convex.defaults", section: SectionConvex, live: true, needs: []string{"authconfig.exists"}, after: []string{"authconfig.provider", "clerk.secret_key", "convex.auth_env"}, run: checkDefaults})
	}
	if s.nodeCheckListed() {
		cs = s.withNodeCheck(cs)
	}
	cs = append(cs, s.usersChecks()...)
	if s.in.Token != "" {
		cs = append(cs,
			check{id: "token.format", section: SectionToken, run: checkTokenFormat},
			check{id: "token.alg", section: SectionToken, needs: []string{"token.format"}, run: checkTokenAlg},
			check{id: "token.signature", section: SectionToken, live: true, needs: []string{"token.alg", "issuer.jwks"}, run: checkTokenSignature},
			check{id: "token.iss", section: SectionToken, live: true, needs: []string{"token.format", "clerk.secret_key"}, run: checkTokenIssuer},
			check{id: "token.aud", section: SectionToken, needs: []string{"token.format", "authconfig.application_id"}, run: checkTokenAudience},
			check{id: "token.exp", section: SectionToken, needs: []string{"token.format"}, run: checkTokenTime},
		)
	}
	return cs
}

// IDs returns the ids of every check, in print order (token checks only with a token).
func IDs(withToken bool) []string {
	in := Inputs{}
	if withToken {
		in.Token = "x"
	}
	var ids []string
	for _, c := range (&state{in: in}).checks() {
		ids = append(ids, c.id)
	}
	return ids
}
