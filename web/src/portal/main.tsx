// Entry point of the client portal (portal.html, served at /portal/): mounts the portal's app.
import { render } from 'preact';
import { App } from './app';
import './portal.css';

const root = document.getElementById('portal');
if (root) render(<App />, root);
