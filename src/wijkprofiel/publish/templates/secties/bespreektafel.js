(function () {
  var formulier = document.querySelector('form.uitkomstformulier');
  var melding = formulier.querySelector('.formulier-melding');
  var link = formulier.querySelector('a.bestand');
  var kolommen = formulier.dataset.kolommen.split(',');
  var url = null;
  var extra = 0;

  /* Enter in a field must not submit the form (there is nowhere to send it to). */
  formulier.addEventListener('submit', function (e) { e.preventDefault(); });

  function schoon(tekst) { return (tekst || '').replace(/\s+/g, ' ').trim(); }

  /* The value of a field by its column: typed text, the chosen answer, or the ticked roles plus "anders". */
  function waarde(blok, kolom) {
    var veld = blok.querySelector('[data-kolom="' + kolom + '"]');
    if (!veld) return '';
    if (veld.classList.contains('keuzes')) {
      var gekozen = Array.prototype.filter.call(veld.querySelectorAll('input'), function (i) {
        return i.type === 'text' ? schoon(i.value) : i.checked;
      });
      return gekozen.map(function (i) { return i.type === 'text' ? schoon(i.value) : i.value; }).join(', ');
    }
    if (kolom === 'thema') {
      if (veld.dataset.thema) return veld.dataset.thema;
      var getypt = schoon(veld.value).toLowerCase();
      /* a label from the list is saved as its theme key; anything else as typed (the ingest maps or keeps it) */
      var optie = Array.prototype.find.call(document.querySelectorAll('#themas-lijst option'), function (o) {
        return o.value.toLowerCase() === getypt;
      });
      return optie ? optie.dataset.thema : schoon(veld.value);
    }
    return schoon(veld.value);
  }

  /* A block counts when anything in it was answered; a rode draad nobody touched is left out of the file. */
  function ingevuld(blok) {
    return ['herkend', 'verklaring', 'actie', 'eigenaar', 'wanneer'].some(function (k) { return waarde(blok, k); })
      || (!blok.querySelector('[data-thema]') && waarde(blok, 'thema'));
  }

  function csvCel(tekst) { return '"' + String(tekst).replace(/"/g, '""') + '"'; }

  function fout(tekst, veld) {
    melding.textContent = tekst;
    melding.className = 'formulier-melding alleen-scherm fout';
    if (veld) { veld.setAttribute('aria-invalid', 'true'); veld.focus(); }
  }

  formulier.querySelector('button.thema-erbij').addEventListener('click', function () {
    var blanco = formulier.querySelectorAll('fieldset.uitkomst');
    var kopie = blanco[blanco.length - 1].cloneNode(true);
    extra += 1;
    kopie.querySelectorAll('input, textarea').forEach(function (i) {
      if (i.type === 'radio' || i.type === 'checkbox') { i.checked = false; } else { i.value = ''; }
      i.removeAttribute('readonly'); i.removeAttribute('data-thema'); i.removeAttribute('aria-invalid');
      if (i.id) i.id = 'x' + extra + '-' + i.id;
      if (i.name) i.name = 'x' + extra + '-' + i.name;
    });
    kopie.querySelectorAll('[for]').forEach(function (l) { l.htmlFor = 'x' + extra + '-' + l.htmlFor; });
    kopie.querySelectorAll('[aria-labelledby]').forEach(function (g) {
      var naam = g.parentElement.querySelector('.veldnaam');
      naam.id = 'x' + extra + '-' + naam.id;
      g.setAttribute('aria-labelledby', naam.id);
    });
    kopie.querySelector('legend').textContent = 'Ander thema';
    blanco[blanco.length - 1].after(kopie);
    kopie.querySelector('[data-kolom="thema"]').focus();
  });

  formulier.querySelector('button.opslaan').addEventListener('click', function () {
    formulier.querySelectorAll('[aria-invalid]').forEach(function (v) { v.removeAttribute('aria-invalid'); });
    var kop = formulier.querySelector('fieldset.bespreking');
    var datumveld = kop.querySelector('[data-kolom="datum"]');
    if (!datumveld.value) return fout('Vul de datum van de bespreking in.', datumveld);
    var rijen = [];
    var blokken = formulier.querySelectorAll('fieldset.uitkomst');
    for (var i = 0; i < blokken.length; i++) {
      var blok = blokken[i];
      if (!ingevuld(blok)) continue;
      var naam = blok.querySelector('legend').textContent;
      if (!waarde(blok, 'thema')) return fout(naam + ': vul het thema in.', blok.querySelector('[data-kolom="thema"]'));
      if (!waarde(blok, 'herkend')) {
        return fout(naam + ': kies bij Herkend ja, deels of nee.', blok.querySelector('[data-kolom="herkend"] input'));
      }
      rijen.push(kolommen.map(function (k) { return waarde(blok.querySelector('[data-kolom="' + k + '"]') ? blok : kop, k); }));
    }
    if (!rijen.length) return fout('Er is nog geen thema ingevuld: kies bij minstens één thema of het herkend is.');
    /* a BOM and semicolons: Excel in Dutch opens it as columns; the ingest reads either way */
    var tekst = '\ufeff' + [kolommen].concat(rijen).map(function (r) { return r.map(csvCel).join(';'); }).join('\r\n') + '\r\n';
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([tekst], { type: 'text/csv;charset=utf-8' }));
    link.href = url;
    link.download = waarde(kop, 'wijkcode') + '-' + datumveld.value + '-bespreking.csv';
    link.textContent = 'Nog een keer downloaden: ' + link.download;
    link.hidden = false;
    melding.textContent = rijen.length + (rijen.length === 1 ? ' thema' : " thema's") + ' opgeslagen in ' + link.download + '.';
    melding.className = 'formulier-melding alleen-scherm';
    link.click();
  });
})();
