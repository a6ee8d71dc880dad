// Kills a server the tests started when the process that owns it is gone, even SIGKILLed (which
// runs no exit handler): `node watchdog.cjs <owner pids, innermost first, comma-separated>
// <group|pid> <id> [signal]`. It polls every 250 ms. When an owner has died it sends the signal
// (SIGKILL by default) to the server's process group (`group`) or process (`pid`), SIGKILLs it
// 5 s later if it still runs, then exits. Owners inside the dead one are SIGKILLed too: a test
// file whose runner was killed is an orphan that would go on starting servers (the runner is
// never killed for a test file's exit). It exits once the server is gone by itself, after a
// normal stop.
// Spawned detached (its own process group) so that whatever kills the owner's group spares it.
'use strict';

const [owners, kind, id, signal = 'SIGKILL'] = process.argv.slice(2);
const ownerPids = owners.split(',').filter(Boolean).map(Number);
const target = kind === 'group' ? -Number(id) : Number(id);

const alive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, owned by another user (Postgres runs as postgres).
		return error.code === 'EPERM';
	}
};
const send = (name) => {
	try {
		process.kill(target, name);
	} catch {
		// already gone
	}
};

const timer = setInterval(() => {
	if (!alive(target)) process.exit(0);
	const dead = ownerPids.findIndex((pid) => !alive(pid));
	if (dead === -1) return;
	clearInterval(timer);
	send(signal);
	for (const pid of ownerPids.slice(0, dead)) if (alive(pid)) process.kill(pid, 'SIGKILL');
	setTimeout(() => {
		if (alive(target)) send('SIGKILL');
		process.exit(0);
	}, 5000);
}, 250);
