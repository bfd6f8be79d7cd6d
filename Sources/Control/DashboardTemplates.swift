import Charts
import Mustache

/// The dashboard's templates: the page (styles and script inline, so it is one request and needs
/// no other host) and the panels it shows, rendered by the server after each bar.
enum DashboardTemplates {
    static let page = parse(#"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>mlbot — {{mode}} service</title>
    <link rel="icon" href="data:,">
    <style>{{{css}}}
    #login { max-width: 560px; margin: 40px auto; }
    #login input { width: 100%; padding: 8px; font: inherit; margin: 8px 0; }
    #live { font-size: 12px; } #live.on { color: #8fe3b0; } #live.off { color: #f5b7b1; }
    a.order { cursor: pointer; }
    #lineage { display: none; }
    </style>
    </head>
    <body>
    <header><h1>mlbot</h1><span class="sub">{{mode}} · feed {{feed}} · {{database}}</span><span id="live" class="off">connecting…</span></header>
    <div id="login" hidden>
    <section>
    <h2>Sign in with the read token</h2>
    <p>This dashboard shows the service's data to holders of a <code>read</code> (or higher) token. The service wrote one at its first start
    into <code>{{tokenFile}}</code> (mode 0600); an admin can make another with <code>mlbot control tokens create NAME --role read</code>.
    The token is kept for this browser tab only and the page never changes the service.</p>
    <form id="login-form"><input id="token" type="password" autocomplete="off" placeholder="read token"><button type="submit">Show the dashboard</button></form>
    <p id="login-error" class="bad"></p>
    </section>
    </div>
    <main id="panels"></main>
    <main><section class="wide" id="lineage"><h2>Why this order exists <button id="lineage-close" type="button">close</button></h2><pre id="lineage-body"></pre></section></main>
    <script>
    (() => {
      "use strict";
      const key = "mlbot-read-token";
      const panels = document.getElementById("panels"), live = document.getElementById("live");
      let token = sessionStorage.getItem(key), lastId = null, retry = 1000, stream = null;
      const headers = () => ({ "Authorization": "Bearer " + token });
      function showLogin(message) {
        document.getElementById("login").hidden = false;
        panels.innerHTML = "";
        document.getElementById("login-error").textContent = message || "";
        live.textContent = "signed out"; live.className = "off";
      }
      function show(data) {
        panels.innerHTML = data.html;
        lastId = data.bar_times;
        document.body.dataset.barTimes = String(data.bar_times);
        document.body.dataset.equity = String(data.equity);
        performance.mark("charts-drawn");
      }
      async function load() {
        const r = await fetch("/dashboard/data", { headers: headers(), cache: "no-store" });
        if (r.status === 401 || r.status === 403) { sessionStorage.removeItem(key); showLogin("That token was refused (" + r.status + ")."); return false; }
        if (!r.ok) throw new Error("dashboard data: " + r.status);
        show(await r.json());
        return true;
      }
      async function follow() {
        const h = headers();
        if (lastId !== null) h["Last-Event-ID"] = String(lastId);
        stream = new AbortController();
        const r = await fetch("/dashboard/events", { headers: h, cache: "no-store", signal: stream.signal });
        if (r.status === 401 || r.status === 403) { showLogin("That token was refused (" + r.status + ")."); return; }
        if (!r.ok || !r.body) throw new Error("dashboard events: " + r.status);
        live.textContent = "live"; live.className = "on"; retry = 1000;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
            const data = block.split("\n").filter(l => l.startsWith("data:")).map(l => l.slice(5).trimStart()).join("\n");
            if (data) show(JSON.parse(data));
          }
        }
      }
      async function run() {
        document.getElementById("login").hidden = true;
        try {
          if (!(await load())) return;
          for (;;) {
            await follow();
            if (!document.getElementById("login").hidden) return;
            live.textContent = "reconnecting…"; live.className = "off";
            await new Promise(r => setTimeout(r, retry)); retry = Math.min(retry * 2, 15000);
          }
        } catch (e) {
          live.textContent = "offline — retrying"; live.className = "off";
          setTimeout(run, retry); retry = Math.min(retry * 2, 15000);
        }
      }
      document.getElementById("login-form").addEventListener("submit", ev => {
        ev.preventDefault();
        token = document.getElementById("token").value.trim();
        if (!token) return;
        sessionStorage.setItem(key, token);
        run();
      });
      panels.addEventListener("click", async ev => {
        const a = ev.target.closest("a.order");
        if (!a) return;
        ev.preventDefault();
        const r = await fetch("/orders/" + encodeURIComponent(a.dataset.order), { headers: headers() });
        const box = document.getElementById("lineage");
        document.getElementById("lineage-body").textContent = JSON.stringify(await r.json(), null, 2);
        box.style.display = "block"; box.scrollIntoView();
      });
      document.getElementById("lineage-close").addEventListener("click", () => { document.getElementById("lineage").style.display = "none"; });
      if (token) run(); else showLogin("");
    })();
    </script>
    </body>
    </html>
    """#)

    static let panels = parse(#"""
    <section class="wide" id="summary">
    <div class="figures">
    <div class="figure"><div class="label">Equity</div><div class="value" id="equity" data-value="{{equityValue}}">{{equity}}</div></div>
    <div class="figure"><div class="label">Trading</div><div class="value"><span class="state {{trading}}" id="trading">{{trading}}</span></div>{{#hasCause}}<div class="note" id="cause">{{cause}}</div>{{/hasCause}}</div>
    <div class="figure"><div class="label">Drawdown / limit</div><div class="value">{{drawdown}} <span class="muted">/ {{maxDrawdown}}</span></div></div>
    <div class="figure"><div class="label">P&amp;L today</div><div class="value {{pnlTone}}">{{pnlToday}}</div>
      <div class="bar" title="{{dailyUsedPct}} of the daily-loss limit {{dailyLimit}} used"><span style="width: {{dailyUsed}}%; background: #c0392b"></span></div>
      <div class="note">daily-loss limit {{dailyLimit}} · {{dailyUsedPct}} used</div></div>
    <div class="figure"><div class="label">Confidence · settings</div><div class="value">{{confidence}} <span class="muted">v{{settingsVersion}}</span></div></div>
    <div class="figure"><div class="label">Feed {{feed}}</div><div class="value {{feedTone}}">{{lag}}</div><div class="note">{{feedState}} · last bar {{lastBar}} · {{barTimes}} bars</div></div>
    </div>
    </section>
    <section class="wide">{{{equityChart}}}{{{drawdownChart}}}</section>
    <section id="positions"><h2>Positions</h2>
    {{#hasPositions}}<table><tr><th>account</th><th>symbol</th><th class="num">quantity</th><th class="num">average</th><th class="num">mark</th><th class="num">unrealised</th></tr>
    {{#positions}}<tr><td>{{account}}</td><td>{{symbol}}</td><td class="num">{{quantity}}</td><td class="num">{{average}}</td><td class="num">{{mark}}</td><td class="num {{tone}}">{{unrealized}}</td></tr>{{/positions}}
    </table>{{/hasPositions}}{{^hasPositions}}<p class="note">Flat: no open position.</p>{{/hasPositions}}
    </section>
    <section id="risk"><h2>Risk manager</h2>{{{riskChart}}}
    {{#riskCounts}}<span class="note">{{rule}}: {{count}}</span> {{/riskCounts}}
    </section>
    <section class="wide" id="strategies"><h2>Strategies</h2>
    <table><tr><th>strategy</th><th>symbol</th><th>status</th><th class="num">allocation</th><th>model</th><th class="num">model age</th><th class="num">last p</th><th class="num">confidence</th><th class="num">target</th><th class="num">P&amp;L</th></tr>
    {{#strategies}}<tr><td>{{name}}</td><td>{{symbol}}</td><td class="{{tone}}">{{status}}</td><td class="num">{{allocation}}</td><td>{{model}}</td><td class="num">{{age}}</td><td class="num">{{p}}</td><td class="num">{{threshold}}</td><td class="num">{{target}}</td><td class="num">{{pnl}}</td></tr>{{/strategies}}
    </table>
    </section>
    <section id="orders"><h2>Recent orders <span class="note">(click one for its decision lineage)</span></h2>
    {{#hasOrders}}<table><tr><th>decided</th><th>order</th><th>side</th><th class="num">quantity</th><th>status</th></tr>
    {{#orders}}<tr><td>{{time}}</td><td><a class="order" href="#" data-order="{{id}}">{{id}}</a></td><td>{{side}} {{reduce}}</td><td class="num">{{quantity}}</td><td>{{status}}</td></tr>{{/orders}}
    </table>{{/hasOrders}}{{^hasOrders}}<p class="note">No orders yet.</p>{{/hasOrders}}
    </section>
    <section id="fills"><h2>Recent fills</h2>
    {{#hasFills}}<table><tr><th>time</th><th>order</th><th>side</th><th class="num">quantity</th><th class="num">price</th><th class="num">fee</th></tr>
    {{#fills}}<tr><td>{{time}}</td><td><a class="order" href="#" data-order="{{id}}">{{id}}</a></td><td>{{side}}</td><td class="num">{{quantity}}</td><td class="num">{{price}}</td><td class="num">{{fee}}</td></tr>{{/fills}}
    </table>{{/hasFills}}{{^hasFills}}<p class="note">No fills yet.</p>{{/hasFills}}
    </section>
    <section class="wide" id="jobs"><h2>Jobs</h2>
    {{#hasJobs}}<table><tr><th>job</th><th>schedule (UTC)</th><th>next</th><th>last</th><th></th></tr>
    {{#jobs}}<tr><td>{{name}}</td><td><code>{{schedule}}</code></td><td>{{next}}</td><td>{{last}}</td><td>{{running}}</td></tr>{{/jobs}}
    </table>{{/hasJobs}}{{^hasJobs}}<p class="note">No scheduled jobs in this service.</p>{{/hasJobs}}
    {{#hasRuns}}<h2>Recent runs</h2><table><tr><th>started</th><th>job</th><th>trigger</th><th>status</th><th>decisions</th></tr>
    {{#runs}}<tr><td>{{started}}</td><td>{{job}}</td><td>{{trigger}}</td><td>{{status}}</td><td>{{#decisions}}{{strategy}}: <strong>{{outcome}}</strong> <span class="note">{{reason}}</span><br>{{/decisions}}</td></tr>{{/runs}}
    </table>{{/hasRuns}}
    </section>
    """#)

    static func parse(_ text: String) -> MustacheTemplate {
        do { return try MustacheTemplate(string: text) } catch { fatalError("a dashboard template does not parse: \(error)") }
    }

    static var css: String { PageStyle.css }
}
