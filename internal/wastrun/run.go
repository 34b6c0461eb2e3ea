// Package wastrun runs WebAssembly scripts (package wast): it checks that
// modules decode and validate, that malformed and invalid modules are
// rejected, and, given an Engine, executes actions and checks their results.
package wastrun

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
)

// Options configure Run.
type Options struct {
	// Features are the proposals modules may use.
	Features wasm.Features
	// Engine executes modules; nil means no execution is available, and
	// everything that needs it is skipped.
	Engine Engine
}

// Outcome is the result of one check.
type Outcome uint8

const (
	Pass Outcome = iota
	Fail
	Skip
)

func (o Outcome) String() string {
	switch o {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return "skip"
}

// Check is the outcome of one command.
type Check struct {
	Line    int
	Command wast.CommandKind
	Outcome Outcome
	// Reason says why a check failed or was skipped.
	Reason string
	// Note is set on a passing check whose error or trap message does not
	// contain the expected text.
	Note string
}

// Result is the outcome of a script.
type Result struct {
	Checks                  []Check
	Passed, Failed, Skipped int
	// MessageMismatches counts passing checks with a Note.
	MessageMismatches int
}

func (r *Result) add(c Check) {
	r.Checks = append(r.Checks, c)
	switch c.Outcome {
	case Pass:
		r.Passed++
		if c.Note != "" {
			r.MessageMismatches++
		}
	case Fail:
		r.Failed++
	default:
		r.Skipped++
	}
}

func (r *Result) merge(o *Result) {
	for _, c := range o.Checks {
		r.add(c)
	}
}

const needsEngine = "needs an execution engine"

// Run runs a script. Every module command and every assertion is one check;
// so are register, instance, action and wait commands. A thread's commands
// are checked like top-level ones.
func Run(s *wast.Script, opts Options) Result {
	r := newRunner(opts)
	r.run(s.Commands)
	r.joinAll()
	return *r.res
}

// def is a compiled module definition.
type def struct {
	m   *wasm.Module
	bin []byte
}

type runner struct {
	opts    Options
	res     *Result
	defs    map[string]*def
	lastDef *def
	insts   map[string]Instance
	last    Instance
	threads map[string]*thread
	// unsupportedRegs are names registered for placeholders.
	unsupportedRegs map[string]bool
}

type thread struct {
	done chan struct{}
	res  Result
}

func newRunner(opts Options) *runner {
	return &runner{opts: opts, res: &Result{}, defs: map[string]*def{},
		insts: map[string]Instance{}, threads: map[string]*thread{},
		unsupportedRegs: map[string]bool{}}
}

func (r *runner) run(cmds []wast.Command) {
	for i := range cmds {
		r.command(&cmds[i])
	}
}

// command runs one command and records its check. A panic in any stage is
// a failure of that command.
func (r *runner) command(c *wast.Command) {
	var chk Check
	func() {
		defer func() {
			if p := recover(); p != nil {
				chk = Check{Outcome: Fail, Reason: fmt.Sprintf("panic: %v", p)}
			}
		}()
		chk = r.exec(c)
	}()
	if chk.Outcome == noCheck {
		return
	}
	chk.Line, chk.Command = c.Line, c.Kind
	r.res.add(chk)
}

// noCheck marks commands that record no check of their own.
const noCheck Outcome = 255

func pass() Check                      { return Check{Outcome: Pass} }
func skip(reason string) Check         { return Check{Outcome: Skip, Reason: reason} }
func fail(f string, args ...any) Check { return Check{Outcome: Fail, Reason: fmt.Sprintf(f, args...)} }
func failErr(what string, err error) Check {
	if errors.Is(err, wasm.ErrUnsupported) {
		// Valid, but beyond what the compiler does today: not a failure.
		return skip(what + ": " + err.Error())
	}
	return Check{Outcome: Fail, Reason: what + ": " + err.Error()}
}

// unsupportedInstance stands for a valid module the engine could not
// compile, so that commands using it are skipped with the reason.
type unsupportedInstance struct{ err error }

func (u unsupportedInstance) Invoke(string, []wast.Value) ([]wast.Value, error) { return nil, u.err }
func (u unsupportedInstance) Get(string) (wast.Value, error)                    { return wast.Value{}, u.err }

// instantiated records the outcome of instantiating a module: a valid
// module the compiler cannot handle yet leaves a placeholder.
func (r *runner) instantiated(name string, inst Instance, err error) Check {
	if err != nil && r.importsUnsupported(err) {
		err = fmt.Errorf("%w (it imports from a module that could not be compiled)", wasm.ErrUnsupported)
	}
	if errors.Is(err, wasm.ErrUnsupported) {
		r.setInstance(name, unsupportedInstance{err})
		return skip("instantiate: " + err.Error())
	}
	r.setInstance(name, inst)
	if err != nil {
		return failErr("instantiate", err)
	}
	return pass()
}

// importsUnsupported reports whether a link error names a module that was
// registered from a placeholder.
func (r *runner) importsUnsupported(err error) bool {
	var le *LinkError
	if !errors.As(err, &le) {
		return false
	}
	for name := range r.unsupportedRegs {
		if strings.Contains(le.Msg, name) {
			return true
		}
	}
	return false
}

func (r *runner) exec(c *wast.Command) Check {
	switch c.Kind {
	case wast.CmdModule:
		return r.module(c.Module)
	case wast.CmdInstance:
		if r.opts.Engine == nil {
			return skip(needsEngine)
		}
		return r.instance(c.Name, c.Def)
	case wast.CmdRegister:
		if r.opts.Engine == nil {
			return skip(needsEngine)
		}
		inst, err := r.lookup(c.Name)
		if err != nil {
			return failErr("register", err)
		}
		if u, ok := inst.(unsupportedInstance); ok {
			r.unsupportedRegs[c.As] = true
			return failErr("register", u.err)
		}
		if err := r.opts.Engine.Register(c.As, inst); err != nil {
			return failErr("register", err)
		}
		return pass()
	case wast.CmdAction:
		if r.opts.Engine == nil {
			return skip(needsEngine)
		}
		if _, err := r.act(c.Action); err != nil {
			return failErr("action", err)
		}
		return pass()
	case wast.CmdAssertReturn:
		return r.assertReturn(c)
	case wast.CmdAssertTrap, wast.CmdAssertExhaustion, wast.CmdAssertException, wast.CmdAssertSuspension:
		if c.Action == nil {
			return r.assertInstantiation(c)
		}
		return r.assertTrap(c)
	case wast.CmdAssertMalformed, wast.CmdAssertInvalid:
		return r.assertRejected(c)
	case wast.CmdAssertMalformedCustom, wast.CmdAssertInvalidCustom:
		return skip("custom section and annotation checks are not implemented")
	case wast.CmdAssertUnlinkable, wast.CmdAssertUninstantiable:
		return r.assertInstantiation(c)
	case wast.CmdThread:
		r.thread(c)
		return Check{Outcome: noCheck}
	case wast.CmdWait:
		if r.opts.Engine == nil {
			return skip(needsEngine)
		}
		t := r.threads[c.Name]
		if t == nil {
			return fail("wait: unknown thread %s", c.Name)
		}
		delete(r.threads, c.Name)
		<-t.done
		r.res.merge(&t.res)
		return pass()
	case wast.CmdScript:
		r.run(c.Body)
		return Check{Outcome: noCheck}
	}
	return skip("meta command " + c.Kind.String() + " is not supported")
}

// compile turns a script module into a decoded, validated module.
func (r *runner) compile(m *wast.Module) (*def, error) {
	var bin []byte
	var err error
	switch m.Kind {
	case wast.ModuleText:
		bin, _, err = text.ParseModuleFields(m.Tokens, m.Fields)
	case wast.ModuleQuote:
		bin, err = text.ParseModule(m.Source)
	default:
		bin = m.Source
	}
	if err != nil {
		return nil, err
	}
	mod, err := binary.Decode(bin, r.opts.Features)
	if err != nil {
		return nil, err
	}
	if err := validate.Module(mod, r.opts.Features); err != nil {
		return nil, err
	}
	return &def{m: mod, bin: bin}, nil
}

// define compiles m and makes it the latest definition (and m.Name's).
func (r *runner) define(m *wast.Module) (*def, error) {
	d, err := r.compile(m)
	r.lastDef = d
	if m.Name != "" {
		if d == nil {
			delete(r.defs, m.Name)
		} else {
			r.defs[m.Name] = d
		}
	}
	return d, err
}

func (r *runner) module(m *wast.Module) Check {
	d, err := r.define(m)
	if err != nil {
		// Later commands on this module must not run against an older one.
		r.setInstance(m.Name, nil)
		return failErr("module", err)
	}
	if m.Definition || r.opts.Engine == nil {
		return pass()
	}
	inst, err := r.opts.Engine.Instantiate(d.m, d.bin)
	return r.instantiated(m.Name, inst, err)
}

func (r *runner) setInstance(name string, inst Instance) {
	r.last = inst
	if name == "" {
		return
	}
	if inst == nil {
		delete(r.insts, name)
	} else {
		r.insts[name] = inst
	}
}

func (r *runner) lookupDef(name string) (*def, error) {
	d := r.lastDef
	if name != "" {
		d = r.defs[name]
	}
	if d == nil {
		return nil, fmt.Errorf("unknown module %s", or(name, "(latest)"))
	}
	return d, nil
}

func (r *runner) lookup(name string) (Instance, error) {
	inst := r.last
	if name != "" {
		inst = r.insts[name]
	}
	if inst == nil {
		return nil, fmt.Errorf("unknown instance %s", or(name, "(latest)"))
	}
	return inst, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (r *runner) instance(name, defName string) Check {
	d, err := r.lookupDef(defName)
	if err != nil {
		return failErr("module instance", err)
	}
	inst, err := r.opts.Engine.Instantiate(d.m, d.bin)
	return r.instantiated(name, inst, err)
}

// assertRejected checks assert_malformed and assert_invalid: any error
// passes; a message without the expected text is noted.
func (r *runner) assertRejected(c *wast.Command) Check {
	_, err := r.compile(c.Module)
	if err == nil {
		return fail("module accepted, expected %q", c.Text)
	}
	chk := pass()
	if !strings.Contains(err.Error(), c.Text) {
		chk.Note = fmt.Sprintf("expected %q, got %q", c.Text, err.Error())
	}
	return chk
}

// assertInstantiation checks assert_unlinkable, assert_uninstantiable and
// assert_trap on a module: the module must be valid and fail to link or
// trap while instantiating.
func (r *runner) assertInstantiation(c *wast.Command) Check {
	var d *def
	var err error
	if c.Module != nil {
		if d, err = r.define(c.Module); err != nil {
			return failErr("module", err)
		}
	}
	if r.opts.Engine == nil {
		return skip(needsEngine)
	}
	if d == nil {
		if d, err = r.lookupDef(c.Def); err != nil {
			return failErr(c.Kind.String(), err)
		}
	}
	_, err = r.opts.Engine.Instantiate(d.m, d.bin)
	if c.Kind == wast.CmdAssertTrap || c.Kind == wast.CmdAssertUninstantiable {
		var trap *Trap
		if errors.As(err, &trap) {
			return noted(trap.Msg, c.Text)
		}
	} else {
		var le *LinkError
		if errors.As(err, &le) {
			return noted(le.Msg, c.Text)
		}
	}
	if err != nil {
		return failErr("wrong instantiation error", err)
	}
	return fail("module instantiated, expected %q", c.Text)
}

// noted is a pass, with a note when msg lacks the expected text.
func noted(msg, want string) Check {
	chk := pass()
	if !strings.Contains(msg, want) {
		chk.Note = fmt.Sprintf("expected %q, got %q", want, msg)
	}
	return chk
}

// act performs an invoke or get.
func (r *runner) act(a *wast.Action) ([]wast.Value, error) {
	inst, err := r.lookup(a.Module)
	if err != nil {
		return nil, err
	}
	if a.Kind == wast.ActGet {
		v, err := inst.Get(a.Name)
		if err != nil {
			return nil, err
		}
		return []wast.Value{v}, nil
	}
	return inst.Invoke(a.Name, a.Args)
}

func (r *runner) assertReturn(c *wast.Command) Check {
	if r.opts.Engine == nil {
		return skip(needsEngine)
	}
	got, err := r.act(c.Action)
	if err != nil {
		return failErr(c.Action.Name, err)
	}
	if !MatchResults(c.Results, got) {
		return fail("%s: got %v, expected %v", c.Action.Name, got, resultsString(c.Results))
	}
	return pass()
}

var trapKinds = map[wast.CommandKind]TrapKind{
	wast.CmdAssertTrap: TrapPlain, wast.CmdAssertExhaustion: TrapExhaustion,
	wast.CmdAssertException: TrapException, wast.CmdAssertSuspension: TrapSuspension,
}

func (r *runner) assertTrap(c *wast.Command) Check {
	if r.opts.Engine == nil {
		return skip(needsEngine)
	}
	got, err := r.act(c.Action)
	if err == nil {
		return fail("%s: returned %v, expected %s %q", c.Action.Name, got, c.Kind, c.Text)
	}
	var trap *Trap
	if !errors.As(err, &trap) || trap.Kind != trapKinds[c.Kind] {
		return failErr(c.Action.Name+": wrong error", err)
	}
	return noted(trap.Msg, c.Text)
}

// thread runs a thread's commands. With an engine they run concurrently
// until the matching wait; without one, only its modules can be checked,
// which needs no concurrency.
func (r *runner) thread(c *wast.Command) {
	child := newRunner(r.opts)
	for _, name := range c.Shared {
		if d := r.defs[name]; d != nil {
			child.defs[name] = d
		}
		if inst := r.insts[name]; inst != nil {
			child.insts[name] = inst
		}
	}
	if r.opts.Engine == nil {
		child.res = r.res
		child.run(c.Body)
		return
	}
	t := &thread{done: make(chan struct{})}
	r.threads[c.Name] = t
	go func() {
		defer close(t.done)
		child.run(c.Body)
		child.joinAll()
		t.res = *child.res
	}()
}

// joinAll waits for threads never waited for and records their checks,
// in name order.
func (r *runner) joinAll() {
	for _, name := range slices.Sorted(maps.Keys(r.threads)) {
		t := r.threads[name]
		<-t.done
		r.res.merge(&t.res)
		delete(r.threads, name)
	}
}
