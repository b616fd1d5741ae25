// mcp-client.mjs -- drive px mcp with the official MCP TypeScript SDK
// client (tests/cli/mcp.t).  The SDK lives in $MCP_SDK (npm install
// --prefix DIR @modelcontextprotocol/sdk).
//
//   node mcp-client.mjs stdio STEPS CMD [ARG...]
//   node mcp-client.mjs http STEPS URL [TOKEN [ORIGIN]]
//
// STEPS is a JSON array of steps, each printed as one JSON line:
//   {"op":"info"}                      the server's version and info
//   {"op":"tools"}                     tools/list
//   {"op":"call","name":N,"args":{}}   tools/call (with a progress token)
//   {"op":"resources"} {"op":"read","uri":U}
//   {"op":"prompts"} {"op":"prompt","name":N,"args":{}}
//   {"op":"ping"}
//   {"op":"cancel","name":N,"args":{},"on":TEXT}
//                                      tools/call, cancelled (the SDK's
//                                      notifications/cancelled) at the
//                                      first progress message with TEXT
// An error is {"error":{"code":C,"message":M}}; a failed connect prints
// {"connect_error":{"code":C,"message":M}} and exits 3.
import path from 'node:path';

const sdk = path.join(process.env.MCP_SDK, 'node_modules',
    '@modelcontextprotocol', 'sdk', 'dist', 'esm');
const { Client } = await import(path.join(sdk, 'client', 'index.js'));

const [mode, stepsJson, ...rest] = process.argv.slice(2);
const steps = JSON.parse(stepsJson);
let transport;
if (mode === 'stdio') {
	const { StdioClientTransport } = await import(path.join(sdk, 'client',
	    'stdio.js'));
	transport = new StdioClientTransport({ command: rest[0],
	    args: rest.slice(1), env: process.env, stderr: 'inherit' });
} else {
	const { StreamableHTTPClientTransport } = await import(path.join(sdk,
	    'client', 'streamableHttp.js'));
	const headers = {};
	if (rest[1])
		headers.Authorization = `Bearer ${rest[1]}`;
	if (rest[2])
		headers.Origin = rest[2];
	transport = new StreamableHTTPClientTransport(new URL(rest[0]),
	    { requestInit: { headers } });
}
const client = new Client({ name: 'px-test-client', version: '1.0.0' });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const err = (e) => ({ error: { code: e.code ?? null,
    message: String(e.message) } });
try {
	await client.connect(transport);
} catch (e) {
	out({ connect_error: { code: e.code ?? null,
	    message: String(e.message) } });
	process.exit(3);
}
for (const s of steps) {
	try {
		switch (s.op) {
		case 'info':
			out({ server: client.getServerVersion(),
			    capabilities: client.getServerCapabilities(),
			    session: transport.sessionId ?? null });
			break;
		case 'tools':
			out(await client.listTools());
			break;
		case 'call': {
			const progress = [];
			const r = await client.callTool({ name: s.name,
			    arguments: s.args ?? {} }, undefined, {
			    onprogress: (p) => progress.push(p.message),
			    timeout: 120000, resetTimeoutOnProgress: true });
			out({ ...r, progress });
			break;
		}
		case 'cancel': {
			const progress = [];
			const ac = new AbortController();
			try {
				const r = await client.callTool({ name: s.name,
				    arguments: s.args ?? {} }, undefined, {
				    signal: ac.signal, timeout: 120000,
				    resetTimeoutOnProgress: true,
				    onprogress: (p) => {
					progress.push(p.message);
					if (p.message.includes(s.on))
						ac.abort('the test cancels');
				    } });
				out({ ...r, progress, cancelled: false });
			} catch (e) {
				out({ ...err(e), progress, cancelled:
				    ac.signal.aborted });
			}
			break;
		}
		case 'resources':
			out(await client.listResources());
			break;
		case 'read':
			out(await client.readResource({ uri: s.uri }));
			break;
		case 'prompts':
			out(await client.listPrompts());
			break;
		case 'prompt':
			out(await client.getPrompt({ name: s.name,
			    arguments: s.args ?? {} }));
			break;
		case 'ping':
			out(await client.ping());
			break;
		default:
			out({ error: { code: null, message: `bad step ${s.op}` } });
		}
	} catch (e) {
		out(err(e));
	}
}
if (mode === 'http')
	await transport.terminateSession().catch(() => {});
await client.close();
