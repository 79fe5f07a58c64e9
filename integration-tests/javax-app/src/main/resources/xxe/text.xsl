<?xml version="1.0"?>
<!-- The application's own stylesheet: the text of the request's document. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/"><xsl:value-of select="r"/></xsl:template>
</xsl:stylesheet>
