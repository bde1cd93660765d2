// The evidence viewer: a link marked data-viewer (an evidence thumbnail, a picture on
// the public page) opens its picture large in a modal <dialog>, titled from
// data-viewer-title, with a link to the original when data-viewer-download names one
// (worded by data-viewer-download-label when it is something else, such as a video's frame).
// Without JavaScript (or <dialog>) the link simply opens the picture. The native
// dialog keeps focus inside and closes on Esc; focus then returns to the link.
// No inline script or style anywhere: the Content-Security-Policy forbids both.
(function () {
  "use strict";

  let dialog = null;
  let parts = null;
  let opener = null;

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function build() {
    dialog = element("dialog", "viewer");
    dialog.setAttribute("aria-labelledby", "viewer-title");
    const head = element("div", "viewer-head");
    const title = element("h2", "viewer-title");
    title.id = "viewer-title";
    const close = element("button", "secondary viewer-close", "Close");
    close.type = "button";
    close.setAttribute("aria-keyshortcuts", "Escape");
    head.append(title, close);
    const image = element("img", "viewer-image");
    const foot = element("div", "viewer-foot");
    const download = element("a", "viewer-download", "Download the original");
    const alone = element("a", "viewer-alone", "Open the picture alone");
    foot.append(download, alone);
    dialog.append(head, image, foot);
    document.body.append(dialog);
    parts = { title: title, close: close, image: image, download: download, alone: alone };

    close.addEventListener("click", function () { dialog.close(); });
    // A click on the backdrop (the dialog box itself, outside its content) closes it too.
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    // Keys pressed in the viewer are the viewer's: page shortcuts must not fire behind it.
    dialog.addEventListener("keydown", function (event) { event.stopPropagation(); });
    dialog.addEventListener("close", function () {
      parts.image.removeAttribute("src");
      if (opener && document.body.contains(opener)) opener.focus();
      opener = null;
    });
  }

  function open(link) {
    if (!dialog) build();
    opener = link;
    const title = link.dataset.viewerTitle || "Preview";
    parts.title.textContent = title;
    parts.image.alt = "Preview of " + title;
    parts.image.src = link.href;
    parts.alone.href = link.href;
    const download = link.dataset.viewerDownload;
    parts.download.hidden = !download;
    // A keyframe's download is the frame, not the original video: its link says so.
    parts.download.textContent = link.dataset.viewerDownloadLabel || "Download the original";
    if (download) parts.download.href = download;
    else parts.download.removeAttribute("href");
    dialog.showModal();
    parts.close.focus();
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-viewer]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab, as asked
    if (typeof HTMLDialogElement === "undefined") return;
    event.preventDefault();
    open(link);
  });
})();
