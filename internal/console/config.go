package console

import (
	"fmt"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mobilua/mobilua/host"
)

// fileConfig is `mobilua host --config host.toml` (docs/host-config.md
// lists every key with its default).
type fileConfig struct {
	Mode         string   `toml:"mode"`
	JID          string   `toml:"jid"`
	PasswordFile string   `toml:"password_file"`
	Addr         string   `toml:"addr"`
	TLS          *bool    `toml:"tls"`
	CA           string   `toml:"ca"`
	Insecure     bool     `toml:"insecure"`
	Store        string   `toml:"store"`
	Sync         *bool    `toml:"sync"`
	Peers        []string `toml:"peers"`
	Directory    string   `toml:"directory"`
	DirNode      string   `toml:"directory_node"`
	Contact      string   `toml:"contact"`
	Upload       string   `toml:"upload"`
	MoveAbove    int      `toml:"move_above"`
	Backup       []string `toml:"backup"`
	BackupEvery  duration `toml:"backup_every"`
	Admins       []string `toml:"admins"`
	HTTP         string   `toml:"http"`
	HTTPURL      string   `toml:"http_url"`
	HTTPCert     string   `toml:"http_cert"`
	HTTPKey      string   `toml:"http_key"`
	Limits       struct {
		StepsPerSlice    int64    `toml:"steps_per_slice"`
		MaxSteps         int64    `toml:"max_steps"`
		StepLimit        int64    `toml:"step_command_steps"`
		MaxMemoryMB      int64    `toml:"max_memory_mb"`
		MaxOutput        int      `toml:"max_output_bytes"`
		MaxReply         int      `toml:"max_message_bytes"`
		OutputEvery      duration `toml:"output_every"`
		CheckpointEvery  duration `toml:"checkpoint_every"`
		MaxLifetime      duration `toml:"max_lifetime"`
		PartDeadline     duration `toml:"part_deadline"`
		MaxProcsPerOwner int      `toml:"max_processes_per_owner"`
		MaxProcs         int      `toml:"max_processes"`
		MaxEnded         int      `toml:"ended_processes_kept"`
		HostMemoryMB     int64    `toml:"host_memory_mb"`
		StoredMB         int64    `toml:"stored_mb_per_owner"`
		MaxMail          int      `toml:"mailbox_messages"`
		MaxMailBytes     int      `toml:"mailbox_bytes"`
		MaxMessage       int      `toml:"message_bytes"`
		MaxStanza        int      `toml:"stanza_bytes"`
		SendRate         float64  `toml:"sends_per_second"`
		OwnerRate        float64  `toml:"owner_sends_per_second"`
		JumpMB           float64  `toml:"jump_mb_per_second"`
		LoadAllow        []string `toml:"load_allow"`
		Workers          int      `toml:"workers"`
	} `toml:"limits"`
}

// duration reads "2s", "24h".
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	d.Duration = v
	return err
}

// loadConfig reads a TOML file into the account flags' defaults and a
// host configuration.
func loadConfig(path string, acct account, store *string, peers *peerList) (host.Config, error) {
	hc := host.DefaultConfig()
	var fc fileConfig
	md, err := toml.DecodeFile(path, &fc)
	if err != nil {
		return hc, fmt.Errorf("%s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return hc, fmt.Errorf("%s: unknown key %s", path, un[0])
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	switch fc.Mode {
	case "", "client":
	case "component":
		if acct.component == nil {
			return hc, fmt.Errorf("%s: mode = \"component\" is for mobilua host", path)
		}
		*acct.component = true
	default:
		return hc, fmt.Errorf("%s: mode must be \"client\" or \"component\", not %q", path, fc.Mode)
	}
	set(acct.jid, fc.JID)
	set(acct.passFile, fc.PasswordFile)
	set(acct.addr, fc.Addr)
	set(acct.ca, fc.CA)
	set(store, fc.Store)
	if acct.web != nil {
		set(acct.web.addr, fc.HTTP)
		set(acct.web.url, fc.HTTPURL)
		set(acct.web.cert, fc.HTTPCert)
		set(acct.web.key, fc.HTTPKey)
	} else if fc.HTTP != "" {
		return hc, fmt.Errorf("%s: http is for mobilua host", path)
	}
	if acct.dir != nil {
		set(acct.dir.service, fc.Directory)
		set(acct.dir.node, fc.DirNode)
		set(acct.dir.contact, fc.Contact)
		set(acct.dir.upload, fc.Upload)
	} else if fc.Directory != "" || fc.Contact != "" || fc.Upload != "" {
		return hc, fmt.Errorf("%s: directory, contact and upload are for mobilua host", path)
	}
	if fc.TLS != nil {
		*acct.useTLS = *fc.TLS
	}
	if fc.Insecure {
		*acct.insecure = true
	}
	*peers = append(*peers, fc.Peers...)
	hc.Admins = fc.Admins
	hc.MoveAbove, hc.Backup = fc.MoveAbove, fc.Backup
	if fc.BackupEvery.Duration > 0 {
		hc.BackupEvery = fc.BackupEvery.Duration
	}
	hc.NoSync = fc.Sync != nil && !*fc.Sync
	l := fc.Limits
	setInt := func(dst *int64, v int64) {
		if v > 0 {
			*dst = v
		}
	}
	setInt(&hc.StepsPerSlice, l.StepsPerSlice)
	setInt(&hc.MaxSteps, l.MaxSteps)
	setInt(&hc.StepLimit, l.StepLimit)
	setInt(&hc.MaxMemory, l.MaxMemoryMB<<20)
	setInt(&hc.HostMemory, l.HostMemoryMB<<20)
	setInt(&hc.MaxStored, l.StoredMB<<20)
	hc.LoadAllow = l.LoadAllow
	for dst, v := range map[*float64]float64{&hc.SendRate: l.SendRate, &hc.OwnerRate: l.OwnerRate, &hc.JumpRate: l.JumpMB * (1 << 20)} {
		if v > 0 {
			*dst = v
		}
	}
	for dst, v := range map[*int]int{&hc.MaxOutput: l.MaxOutput, &hc.MaxReply: l.MaxReply, &hc.MaxProcsPerOwner: l.MaxProcsPerOwner, &hc.Workers: l.Workers,
		&hc.MaxProcs: l.MaxProcs, &hc.MaxEnded: l.MaxEnded, &hc.MaxMail: l.MaxMail, &hc.MaxMailBytes: l.MaxMailBytes, &hc.MaxMessage: l.MaxMessage, &hc.MaxStanza: l.MaxStanza} {
		if v > 0 {
			*dst = v
		}
	}
	for dst, v := range map[*time.Duration]duration{&hc.OutputEvery: l.OutputEvery, &hc.CheckpointEvery: l.CheckpointEvery, &hc.MaxLifetime: l.MaxLifetime, &hc.PartDeadline: l.PartDeadline} {
		if v.Duration > 0 {
			*dst = v.Duration
		}
	}
	return hc, nil
}
