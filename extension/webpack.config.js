// Merged into @jupyterlab/builder's production config (package.json "jupyterlab.webpackConfig").
// plotly.js ships minified: webpack neither parses nor minifies it again (its own chunk, loaded on first plot).
const TerserPlugin = require('terser-webpack-plugin');

module.exports = {
  module: { noParse: /plotly[^/]*\.min\.js$/ },
  optimization: {
    minimizer: [new TerserPlugin({ exclude: /plotly/, parallel: 2 })],
  },
};
