// Draws a network as an SVG graph from the tables on the page, which stay the complete,
// accessible record: every node is a link to its row. Progressive enhancement: without
// JavaScript the graph's container stays hidden and the tables carry everything.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const HEIGHT = 600;
const MARGIN = 40;
const SQUARE_KINDS = new Set(["vehicle", "phone", "address"]);
const KIND_NAMES = {
  child: "Child",
  adult: "Adult",
  vehicle: "Vehicle",
  phone: "Phone",
  address: "Address",
};

function element(name, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

// Fruchterman-Reingold, from a deterministic spiral start, so the same network is always
// drawn the same way.
function layout(nodes, links) {
  const area = WIDTH * HEIGHT;
  const k = Math.sqrt(area / Math.max(nodes.length, 1)) * 0.8;
  nodes.forEach((node, i) => {
    const angle = i * 2.399963;
    const radius = 12 * Math.sqrt(i + 1);
    node.x = WIDTH / 2 + radius * Math.cos(angle);
    node.y = HEIGHT / 2 + radius * Math.sin(angle);
  });
  let temperature = WIDTH / 10;
  const rounds = 300;
  for (let round = 0; round < rounds; round += 1) {
    for (const node of nodes) { node.dx = 0; node.dy = 0; }
    for (let i = 0; i < nodes.length; i += 1) {
      for (let j = i + 1; j < nodes.length; j += 1) {
        const a = nodes[i];
        const b = nodes[j];
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        const distance = Math.max(Math.hypot(dx, dy), 0.01);
        const force = (k * k) / distance;
        dx = (dx / distance) * force;
        dy = (dy / distance) * force;
        a.dx += dx; a.dy += dy; b.dx -= dx; b.dy -= dy;
      }
    }
    for (const { source, target } of links) {
      const dx = source.x - target.x;
      const dy = source.y - target.y;
      const distance = Math.max(Math.hypot(dx, dy), 0.01);
      const force = (distance * distance) / k;
      source.dx -= (dx / distance) * force; source.dy -= (dy / distance) * force;
      target.dx += (dx / distance) * force; target.dy += (dy / distance) * force;
    }
    for (const node of nodes) {
      const moved = Math.max(Math.hypot(node.dx, node.dy), 0.01);
      node.x += (node.dx / moved) * Math.min(moved, temperature);
      node.y += (node.dy / moved) * Math.min(moved, temperature);
    }
    temperature *= 1 - 1 / rounds * 3;
    temperature = Math.max(temperature, 1);
  }
  // Fit the drawing to the box.
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(
    (WIDTH - 2 * MARGIN) / Math.max(maxX - minX, 1),
    (HEIGHT - 2 * MARGIN) / Math.max(maxY - minY, 1),
  );
  for (const node of nodes) {
    node.x = MARGIN + (node.x - minX) * scale;
    node.y = MARGIN + (node.y - minY) * scale;
  }
}

function draw(container) {
  const memberRows = document.querySelectorAll(`#${container.dataset.table} tbody tr[data-ref]`);
  const nodes = Array.from(memberRows, (row) => ({
    ref: row.dataset.ref, kind: row.dataset.kind, label: row.dataset.label, row,
  }));
  const byRef = new Map(nodes.map((node) => [node.ref, node]));
  const linkRows = document.querySelectorAll(`#${container.dataset.links} tbody tr[data-source]`);
  const links = Array.from(linkRows, (row) => ({
    source: byRef.get(row.dataset.source), target: byRef.get(row.dataset.target), row,
  })).filter((link) => link.source && link.target);
  if (!nodes.length) return;
  layout(nodes, links);

  const svg = element("svg", {
    class: "app-network-graph__svg",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "group",
    "aria-label": `Graph of ${nodes.length} people and things and ${links.length} links`,
  });
  const lines = element("g", { "aria-hidden": "true" }, svg);
  for (const link of links) {
    link.line = element("line", {
      class: "app-network-graph__link",
      x1: link.source.x.toFixed(1), y1: link.source.y.toFixed(1),
      x2: link.target.x.toFixed(1), y2: link.target.y.toFixed(1),
    }, lines);
  }
  const highlight = (node, on) => {
    node.anchor.classList.toggle("app-network-graph__node--active", on);
    for (const link of links) {
      if (link.source === node || link.target === node) {
        link.line.classList.toggle("app-network-graph__link--active", on);
      }
    }
  };
  for (const node of nodes) {
    const anchor = element("a", {
      href: `#node-${node.ref}`,
      class: `app-network-graph__node app-network-graph__node--${node.kind}`,
      "aria-label": `${node.ref}: ${KIND_NAMES[node.kind] || node.kind}, ${node.label}`,
    }, svg);
    node.anchor = anchor;
    element("title", {}, anchor).textContent = `${node.ref}: ${node.label}`;
    if (SQUARE_KINDS.has(node.kind)) {
      element("rect", { x: (node.x - 9).toFixed(1), y: (node.y - 9).toFixed(1), width: 18, height: 18 }, anchor);
    } else {
      element("circle", { cx: node.x.toFixed(1), cy: node.y.toFixed(1), r: 11 }, anchor);
    }
    element("text", { x: (node.x + 14).toFixed(1), y: (node.y + 5).toFixed(1) }, anchor).textContent = node.ref;
    for (const on of ["mouseenter", "focus"]) anchor.addEventListener(on, () => highlight(node, true));
    for (const off of ["mouseleave", "blur"]) anchor.addEventListener(off, () => highlight(node, false));
    anchor.addEventListener("click", () => {
      for (const other of nodes) other.row.classList.remove("app-network-row--selected");
      for (const link of links) link.row.classList.remove("app-network-row--selected");
      node.row.classList.add("app-network-row--selected");
      for (const link of links) {
        if (link.source === node || link.target === node) link.row.classList.add("app-network-row--selected");
      }
    });
  }
  const legend = document.createElement("p");
  legend.className = "govuk-body-s app-network-graph__legend";
  legend.textContent = "Circles: children (yellow) and adults (red). Squares: vehicles (blue), phones (green) and addresses (purple). References match the tables.";
  container.appendChild(svg);
  container.appendChild(legend);
  container.hidden = false;
}

for (const container of document.querySelectorAll('[data-module="app-network-graph"]')) {
  draw(container);
}
