//go:build linux

package run

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// On Linux no child outlives clerkconvex, however it ends, SIGKILL included. The program does
// not run as clerkconvex's child but as the child of a reaper: a second copy of clerkconvex
// (/proc/self/exe) that
//
//   - gets SIGTERM when clerkconvex dies (a parent-death signal, which the kernel sends even
//     when clerkconvex is killed with SIGKILL), and on SIGTERM, SIGINT, SIGHUP or SIGQUIT kills
//     the program's whole process group;
//   - starts the program in a process group of its own, with a parent-death signal too;
//   - when the program exits, kills what it left running in its group (npx's node, say) before
//     collecting its exit status, so the group's id cannot have been reused by then;
//   - exits with the program's status (128+N when signal N ended it).
//
// clerkconvex's own cancellation (Ctrl-C and the other signals cli.Main catches, a time
// limit) sends SIGTERM to the reaper. A parent-death signal alone, on the program, would not
// do: it reaches the program, not the node it starts.
//
// The reaper is entered from this package's init, so every binary that can start one (the CLI
// and the test binaries of packages that run programs) is one, before any flag parsing or test.

// reaperEnv marks a reaper; its value is the pid of the process that started it.
const reaperEnv = "CLERKCONVEX_INTERNAL_REAPER"

// reaperStartFailed is the reaper's exit status when the program could not be started; the
// reason is on the status pipe (fd 3).
const reaperStartFailed = 127

func init() {
	if os.Getenv(reaperEnv) != "" {
		os.Exit(reap())
	}
}

// runGuarded runs cmd under a reaper.
func runGuarded(cmd *exec.Cmd) error {
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		// No /proc: the program runs as our child, in its own group, killed with us.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		cmd.Cancel = func() error { return killGroup(cmd.Process) }
		return startLocked(cmd)
	}
	status, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer status.Close()
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(slices.Clip(env), reaperEnv+"="+strconv.Itoa(os.Getpid()))
	cmd.Args = append([]string{os.Args[0], cmd.Path}, cmd.Args[1:]...)
	cmd.Path = "/proc/self/exe"
	cmd.ExtraFiles = []*os.File{w}
	// Its own group, so a signal to clerkconvex's group (a terminal's Ctrl-C) reaches
	// clerkconvex, which cancels, rather than racing it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	err = startLocked(cmd, w)
	if msg, _ := io.ReadAll(io.LimitReader(status, 4096)); len(msg) > 0 && cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == reaperStartFailed {
		cmd.ProcessState = nil // the program never ran: no exit status
		return errors.New(string(msg))
	}
	return err
}

// startLocked runs cmd on a thread locked to this goroutine. A parent-death signal fires when
// the thread that started the child ends, not the process; Go ends a thread only when a
// goroutine locked to it returns, so holding the lock until the child is waited for keeps
// the signal for clerkconvex's own death. closeAfterStart are the parent's copies of files
// given to the child.
func startLocked(cmd *exec.Cmd, closeAfterStart ...*os.File) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := cmd.Start()
	for _, f := range closeAfterStart {
		f.Close()
	}
	if err != nil {
		return err
	}
	return cmd.Wait()
}

func killGroup(p *os.Process) error {
	// A negative pid signals the whole group; fall back to the child alone.
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		return p.Kill()
	}
	return nil
}

// reap is the reaper: os.Args[1] is the program's path, the rest its arguments.
func reap() int {
	runtime.LockOSThread() // the program's parent-death signal follows this thread; never unlocked
	parent := os.Getenv(reaperEnv)
	os.Unsetenv(reaperEnv)
	status := os.NewFile(3, "status")
	syscall.CloseOnExec(3)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT)
	if strconv.Itoa(os.Getppid()) != parent || len(os.Args) < 2 || status == nil {
		// Started by someone else than run (or the parent died already): run nothing.
		fmt.Fprintf(os.Stderr, "clerkconvex: %s is set, but it is for clerkconvex's own use: unset it\n", reaperEnv)
		return 125
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		fmt.Fprint(status, err)
		return reaperStartFailed
	}
	status.Close()
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	go func() {
		// Wait for the exit without collecting it: until cmd.Wait, pid (the group's id) stays taken.
		var info unix.Siginfo
		for unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
		}
		close(exited)
	}()
	for {
		select {
		case <-sigs:
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		case <-exited:
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			_ = cmd.Wait()
			ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if ws.Signaled() {
				return 128 + int(ws.Signal())
			}
			return ws.ExitStatus()
		}
	}
}
