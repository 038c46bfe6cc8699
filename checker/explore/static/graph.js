// Draws the state graph the server embedded as JSON; a click on a state opens it.
(function () {
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: data.nodes.concat(data.edges),
    style: [
      { selector: "node", style: { "label": "data(label)", "text-wrap": "wrap", "font-size": 8,
          "background-color": "#9ab", "text-valign": "center", "width": 18, "height": 18 } },
      { selector: "node[?initial]", style: { "background-color": "#4a8" } },
      { selector: "node[?current]", style: { "border-width": 4, "border-color": "#d80" } },
      { selector: "edge", style: { "curve-style": "bezier", "target-arrow-shape": "triangle",
          "width": 1, "label": "data(label)", "font-size": 6, "color": "#555" } }
    ],
    layout: { name: "breadthfirst", directed: true, roots: data.nodes.filter(function (n) { return n.data.initial; }).map(function (n) { return "#" + n.data.id; }), spacingFactor: 1.2 }
  });
  cy.on("tap", "node", function (evt) { window.location.href = evt.target.data("href"); });
  window.explorerGraph = cy;
})();
