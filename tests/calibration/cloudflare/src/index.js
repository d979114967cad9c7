// The Workflow the Cloudflare Workflows calibration records (tests/calibration/cloudflare/record.py):
// one WorkflowEntrypoint that runs the shape given as the instance's params, and a fetch handler the
// recorder drives (create an instance, read its status, send it an event). Nothing here reaches
// outside the local engine.
import { WorkflowEntrypoint } from "cloudflare:workers";

// A string of `bytes` ASCII characters: what a step returns (its stored result).
const payload = (bytes) => "x".repeat(Math.max(0, Math.round(bytes)));

// A shape, as params (kept short: the params are stored with the instance too):
//   n  step.do calls, step i (1-based) returning b + (i - 1) * g bytes (g: a growing context)
//   s  step.sleep of s seconds after step `sa` (0: none)
//   f  the step `fa` throws f times before it succeeds (retries: limit f, delay `fd` ms, constant)
//   w  step.waitForEvent of type "approval" after step `wa`, timeout `wt` seconds; `wx`: the
//      recorder sends no event, the wait times out (caught)
export class Shapes extends WorkflowEntrypoint {
	async run(event, step) {
		const p = event.payload;
		const n = p.n ?? 0;
		const sleepAfter = p.s ? (p.sa ?? 0) : -1;
		const waitAfter = p.w ? (p.wa ?? 0) : -1;
		let stored = 0;
		const between = async (i) => {
			if (i === sleepAfter) await step.sleep("sleep", `${p.s} seconds`);
			if (i === waitAfter) {
				try {
					await step.waitForEvent("approval", { type: "approval", timeout: `${p.wt ?? 60} seconds` });
				} catch (err) {
					if (!p.wx) throw err;
				}
			}
		};
		await between(0);
		for (let i = 1; i <= n; i++) {
			const bytes = (p.b ?? 0) + (i - 1) * (p.g ?? 0);
			const failing = p.f && i === p.fa;
			const config = failing
				? { retries: { limit: p.f, delay: p.fd ?? 100, backoff: "constant" }, timeout: "1 minute" }
				: { retries: { limit: 0, delay: 100, backoff: "constant" }, timeout: "1 minute" };
			const out = await step.do(`step ${i}`, config, async (ctx) => {
				if (failing && ctx.attempt <= p.f) throw new Error(`attempt ${ctx.attempt} fails`);
				return payload(bytes);
			});
			stored += out.length;
			await between(i);
		}
		return stored;
	}
}

const json = (body, status = 200) =>
	new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		try {
			if (request.method === "POST" && url.pathname === "/create") {
				const { id, params } = await request.json();
				const instance = await env.SHAPES.create({ id, params });
				return json({ id: instance.id });
			}
			const id = url.searchParams.get("id");
			if (url.pathname === "/status" && id) {
				const instance = await env.SHAPES.get(id);
				return json(await instance.status());
			}
			if (request.method === "POST" && url.pathname === "/event" && id) {
				const instance = await env.SHAPES.get(id);
				await instance.sendEvent({ type: url.searchParams.get("type") ?? "approval", payload: await request.json() });
				return json({ sent: true });
			}
			return json({ error: "not found" }, 404);
		} catch (err) {
			return json({ error: String(err) }, 500);
		}
	},
};
